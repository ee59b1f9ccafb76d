/**
 * Exercises the real-Prometheus test harness end to end: OpenMetrics generation, promtool
 * backfill, server start-up, PromQL results, error reporting, rule loading and tool lookup.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMetrics, recentWindow, sampleTimeRange, type SyntheticSeries } from './openmetrics';
import { instantVector as vector, sharedPrometheus } from './prometheus-server';
import { run, toolPath } from './tools';

const window = recentWindow(2 * 3600, 15);
const { start } = window;

// Counter growing 2/s per job; gauge with a known value at every instant.
const counterRate = 2;
const gaugeAt = (t: number) => 100 + ((t - start) % 600) / 10;
// Histogram: 10 observations/s with a fixed distribution, so bucket rates keep the same shape.
const buckets = [0.1, 0.25, 0.5, 1, 2.5, 5];
const cumulative: Record<string, number> = { 0.1: 0.5, 0.25: 0.8, 0.5: 0.9, 1: 0.95, 2.5: 0.995, 5: 1 };
// p99 lies in (1, 2.5]: linear interpolation inside it, exactly as histogram_quantile does.
const expectedP99 = 1 + (2.5 - 1) * ((0.99 - 0.95) / (0.995 - 0.95));

const series: SyntheticSeries[] = [
  { name: 'x_total', type: 'counter', help: 'Test counter.', labels: { job: 'a' }, value: (t) => counterRate * (t - start) },
  { name: 'x', type: 'counter', labels: { job: 'b' }, value: (t) => 2 * counterRate * (t - start) },
  { name: 'g', type: 'gauge', help: 'Test gauge.', value: gaugeAt },
  {
    name: 'h_seconds',
    type: 'histogram',
    help: 'Test latency "histogram".',
    labels: { route: '/api v1' },
    buckets,
    distribution: (le) => cumulative[String(le)]!,
    value: (t) => 10 * (t - start),
  },
];

const ruleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-rules-'));
const ruleFile = path.join(ruleDir, 'rules.yml');
fs.writeFileSync(
  ruleFile,
  ['groups:', '  - name: test', '    rules:', '      - record: job:x:rate5m', '        expr: sum by (job) (rate(x_total[5m]))', ''].join('\n'),
);
afterAll(() => fs.rmSync(ruleDir, { recursive: true, force: true }));

let startMs = 0;
const prom = sharedPrometheus(() => {
  startMs = Date.now();
  // 1 s evaluation: the rule's first run comes within a second (at 15 s it may take 15).
  return { openMetrics: openMetrics(series, window), ruleFiles: [ruleFile], evaluationInterval: '1s' };
});

describe('openMetrics()', () => {
  const text = openMetrics(series, window);
  it('emits contiguous families with OpenMetrics naming and # EOF', () => {
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text.match(/^# TYPE .*$/gm)).toEqual(['# TYPE x counter', '# TYPE g gauge', '# TYPE h_seconds histogram']);
    expect(text).toContain('# HELP h_seconds Test latency "histogram".');
    expect(text).toMatch(new RegExp(`^x_total\\{job="b"\\} 0 ${start}$`, 'm'));
    expect(text).toMatch(/^h_seconds_bucket\{route="\/api v1",le="\+Inf"\} /m);
    expect(sampleTimeRange(text)).toEqual({ min: window.start, max: window.end });
  });
});

describe('real Prometheus server', () => {
  it('starts quickly and reports where the data ends', () => {
    console.log(`prometheus ready in ${Date.now() - startMs} ms (incl. backfill)`); // eslint-disable-line no-console
    expect(prom().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(prom().dataEndsAt).toBe(window.end);
  });

  it('computes rate() of a backfilled counter', async () => {
    const r = vector(await prom().query('rate(x_total[5m])'));
    const byJob = Object.fromEntries(r.map((s) => [s.metric.job, s.value]));
    expect(byJob.a).toBeCloseTo(counterRate, 6);
    expect(byJob.b).toBeCloseTo(2 * counterRate, 6);
  });

  it('computes histogram_quantile() from the generated buckets', async () => {
    const r = vector(await prom().query('histogram_quantile(0.99, sum by (le) (rate(h_seconds_bucket[5m])))'));
    expect(r).toHaveLength(1);
    expect(r[0]!.value).toBeCloseTo(expectedP99, 6);
    const mean = vector(await prom().query('rate(h_seconds_sum[5m]) / rate(h_seconds_count[5m])'));
    expect(mean[0]!.value).toBeGreaterThan(0);
  });

  it('returns a gauge value at the requested time', async () => {
    const t = prom().dataEndsAt;
    expect(vector(await prom().query('g'))[0]!.value).toBeCloseTo(gaugeAt(t), 9);
    expect(vector(await prom().query('g', t - 3600))[0]!.value).toBeCloseTo(gaugeAt(t - 3600), 9);
    // Beyond the 5m lookback after the last sample, the series is gone.
    expect(vector(await prom().query('g', t + 301))).toHaveLength(0);
  });

  it('supports range queries', async () => {
    const t = prom().dataEndsAt;
    const d = await prom().queryRange('g', t - 600, t, 60);
    expect(d.resultType).toBe('matrix');
    expect((d.result[0] as { values: unknown[] }).values).toHaveLength(11);
    expect(() => vector(d)).toThrow('expected an instant vector, got a matrix');
  });

  it('throws with the Prometheus error and the expression for an invalid query', async () => {
    await expect(prom().query('rate(x_total[5m]')).rejects.toThrow(/bad_data.*parse error.*unclosed left parenthesis.*rate\(x_total\[5m\]/s);
  });

  it('loads rule files and reports when every rule has been evaluated', async () => {
    await prom().rulesEvaluated();
    const { groups } = await prom().rules();
    expect(groups).toHaveLength(1);
    expect(groups[0]!.rules).toEqual([expect.objectContaining({ name: 'job:x:rate5m', type: 'recording', health: 'ok' })]);
  });
});

describe('tools', () => {
  it('finds the installed tools and runs them', () => {
    expect(run('promtool', ['--version']).stderr + run('promtool', ['--version']).stdout).toMatch(/promtool, version 2\./);
    expect(run('amtool', ['--version']).code).toBe(0);
    expect(run('promtool', ['check', 'rules', ruleFile]).code).toBe(0);
  });

  it('throws the install hint when a tool is missing', () => {
    const env = { AGENTASKIT_TOOLS_DIR: path.join(os.tmpdir(), 'agentaskit-no-such-dir'), PATH: '' };
    expect(() => toolPath('promtool', env)).toThrow(
      "promtool not found: run `npm run tools` (installs Debian's prometheus package binaries into .tools/)",
    );
    expect(() => toolPath('amtool', env)).toThrow(/amtool not found: run `npm run tools`/);
  });
});
