import { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { App, Chart } from 'cdk8s';
import { DASHBOARDS } from '../../../lib/runbook';
import { DashboardConfigMaps, DashboardConfigMapsProps, dashboardJson } from '../../../lib/observability/dashboard-config-maps';
import { ConfigError, ENVIRONMENTS } from '../../../stacks/config';
import { loadEnvironment } from '../../../stacks/environments';
import { DASHBOARDS_FOLDER, renderEnvironment, renderOutput, synthesizeEnvironment } from '../../../stacks/synth';

type ConfigMapJson = { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> };

function synth(props: DashboardConfigMapsProps): ConfigMapJson[] {
  const chart = new Chart(new App(), 'test', { namespace: 'agentaskit-dev' });
  new DashboardConfigMaps(chart, 'Dashboards', props);
  return chart.toJson() as ConfigMapJson[];
}
const dashboard = (uid: string): Dashboard => new DashboardBuilder(`Title ${uid}`).uid(uid).build();

describe('DashboardConfigMaps', () => {
  it('ships each dashboard as a sidecar ConfigMap: label, folder annotation, <uid>.json', () => {
    const [cm, ...rest] = synth({ dashboards: [dashboard('orchestrator')] });
    expect(rest).toEqual([]);
    expect(cm).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      // Mutable: the sidecar picks up a changed dashboard in place.
      immutable: false,
      metadata: {
        name: 'grafana-dashboard-orchestrator',
        namespace: 'agentaskit-dev',
        labels: { grafana_dashboard: '1' },
        annotations: { grafana_folder: 'AgentasKit' },
      },
      data: { 'orchestrator.json': dashboardJson(dashboard('orchestrator')) },
    });
  });

  it('adds extra labels and a custom folder, and keeps the sidecar label whatever the extras say', () => {
    const [cm] = synth({ dashboards: [dashboard('agents')], folder: 'Workflows', labels: { release: 'kps', grafana_dashboard: '0' } });
    expect(cm!.metadata.labels).toEqual({ release: 'kps', grafana_dashboard: '1' });
    expect(cm!.metadata.annotations).toEqual({ grafana_folder: 'Workflows' });
  });

  it('writes JSON with sorted keys, so field order in the model never changes the bytes', () => {
    const json = dashboardJson({ uid: 'x', title: 't', panels: [{ type: 'stat', id: 1 }] } as unknown as Dashboard);
    expect(json).toBe(dashboardJson({ title: 't', panels: [{ id: 1, type: 'stat' }], uid: 'x' } as unknown as Dashboard));
    expect(json.indexOf('"panels"')).toBeLessThan(json.indexOf('"title"'));
    expect(json.endsWith('}\n')).toBe(true);
  });

  it.each([
    ['fails when a uid cannot name a ConfigMap', { dashboards: [dashboard('Orchestrator_Health')] }, /dashboards\[0\]\.uid = "Orchestrator_Health": use a uid that can name a ConfigMap: 1-40 lowercase/],
    ['fails when a dashboard has no uid', { dashboards: [new DashboardBuilder('no uid').build()] }, /dashboards\[0\]\.uid = undefined: use a uid that can name a ConfigMap/],
    ['fails when two dashboards share a uid', { dashboards: [dashboard('agents'), dashboard('agents')] }, /dashboards\[1\]\.uid = "agents": give each dashboard its own uid: an earlier one has this uid\.$/],
    ['fails when there are no dashboards', { dashboards: [] }, /^Invalid props of DashboardConfigMaps "[^"]+":\n {2}- dashboards = \[\]: pass at least one dashboard, or do not create the construct\.$/],
    ['fails when the folder is not a folder name', { dashboards: [dashboard('agents')], folder: 'a/b' }, /folder = "a\/b": use a folder name: not empty, without "\/"/],
  ] as Array<[string, DashboardConfigMapsProps, RegExp]>)('%s', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it('fails when a dashboard is too big for kubectl apply', () => {
    const big = { ...dashboard('big'), description: 'x'.repeat(300 * 1024) };
    expect(() => synth({ dashboards: [big] })).toThrow(/dashboards\[0\] = "big": it is \d+ bytes; keep it under \d+ .*splitting it/);
  });
});

describe('the chart ships the runbook dashboards', () => {
  const production = loadEnvironment('production');
  const env = synthesizeEnvironment(production);
  const configMaps = env.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboard-')) as unknown as ConfigMapJson[];

  it('as one ConfigMap per runbook dashboard in the environment namespace, with the monitoring selector labels', () => {
    expect(configMaps.map((c) => c.metadata.name).sort()).toEqual(Object.values(DASHBOARDS).map((d) => `grafana-dashboard-${d.uid}`).sort());
    for (const cm of configMaps) {
      expect(cm.metadata.namespace).toBe(production.namespace);
      expect(cm.metadata.labels).toEqual({ ...production.monitoring.selectorLabels, grafana_dashboard: '1' });
      expect(cm.metadata.annotations).toEqual({ grafana_folder: 'AgentasKit' });
    }
  });

  it('and as dist/dashboards/<uid>.json, identical to the ConfigMap data, outside every environment folder', () => {
    const output = renderOutput([env]);
    const files = output.get(DASHBOARDS_FOLDER)!;
    expect([...files.keys()].sort()).toEqual(Object.values(DASHBOARDS).map((d) => `${d.uid}.json`).sort());
    for (const cm of configMaps) {
      for (const [key, json] of Object.entries(cm.data)) expect(files.get(key)).toBe(json);
    }
    // kubectl apply -R -f dist/production/ reads only Kubernetes objects.
    expect([...output.get('production')!.keys()].filter((f) => !f.endsWith('.yaml'))).toEqual([]);
  });

  it('byte-identically across synths', () => {
    const again = renderEnvironment(synthesizeEnvironment(loadEnvironment('production')));
    expect(again).toEqual(renderEnvironment(env));
  });
});

describe('one environment ships the dashboards to the shared Grafana', () => {
  const isDashboard = (o: { kind: string; metadata: { name: string } }) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboard-');

  it('exactly one environment per Grafana ships them (fixed uids: copies would overwrite each other)', () => {
    const shipping = new Map<string, string[]>();
    for (const environment of ENVIRONMENTS) {
      const config = loadEnvironment(environment);
      if (config.monitoring.dashboards === 'ship') shipping.set(config.grafanaUrl, [...(shipping.get(config.grafanaUrl) ?? []), environment]);
    }
    const grafanas = new Set(ENVIRONMENTS.map((e) => loadEnvironment(e).grafanaUrl));
    expect([...grafanas].map((url) => [url, shipping.get(url) ?? []])).toEqual([...grafanas].map((url) => [url, ['production']]));
  });

  it.each(['dev', 'staging'])('%s links to them: no dashboard ConfigMaps, no dist dashboards/', (environment) => {
    const env = synthesizeEnvironment(loadEnvironment(environment));
    expect(env.objects.filter(isDashboard)).toEqual([]);
    expect([...renderOutput([env]).keys()]).toEqual([environment]);
  });

  it('an environment set to ship them carries them', () => {
    const env = synthesizeEnvironment(loadEnvironment('staging', { grafanaUrl: 'https://grafana.staging.agentaskit.io', monitoring: { dashboards: 'ship' } }));
    expect(env.objects.filter(isDashboard)).toHaveLength(Object.keys(DASHBOARDS).length);
  });

  it('npm run synth refuses a second shipping environment, naming both (their dist/dashboards/ files would overwrite each other)', () => {
    const staging = synthesizeEnvironment(loadEnvironment('staging', { grafanaUrl: 'https://grafana.staging.agentaskit.io', monitoring: { dashboards: 'ship' } }));
    const production = synthesizeEnvironment(loadEnvironment('production'));
    expect(() => renderOutput([production, staging])).toThrow(ConfigError);
    expect(() => renderOutput([production, staging])).toThrow(
      'Invalid configuration for environment "staging":\n  - monitoring.dashboards = "ship": production ships the dashboards too: set "linked" in one of them.',
    );
  });

  it('fails when monitoring.dashboards is neither ship nor linked, naming the field', () => {
    expect(() => loadEnvironment('dev', { monitoring: { dashboards: 'yes' } })).toThrow(ConfigError);
    expect(() => loadEnvironment('dev', { monitoring: { dashboards: 'yes' } })).toThrow(/monitoring\.dashboards/);
  });
});
