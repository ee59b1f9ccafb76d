/**
 * The committed generated files (alerts/wf-001.yaml, alerts/alertmanager.yml,
 * docs/metrics-contract.md) must equal what the code generates now.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { METRICS } from '../../../lib/metrics-contract';
import { seriesNames } from '../../support/promql';
import { observabilityFiles } from '../../../scripts/generate-alerts';
import { repoRoot } from '../../support/tools';

const files = observabilityFiles();

describe('generated files', () => {
  it.each([...files.keys()])('%s is up to date', (file) => {
    const committed = fs.existsSync(path.join(repoRoot(), file)) ? fs.readFileSync(path.join(repoRoot(), file), 'utf8') : '(missing)';
    if (committed !== files.get(file)) throw new Error(`${file} is stale: run \`npm run alerts\` and commit the result`);
  });

  it('is byte-identical across runs', () => {
    expect(observabilityFiles()).toEqual(files);
  });

  it('the metrics contract doc lists every series with its type and source', () => {
    const doc = files.get('docs/metrics-contract.md')!;
    for (const name of seriesNames()) expect(doc).toContain(`\`${name}\``);
    for (const metric of Object.values(METRICS)) expect(doc).toMatch(new RegExp(`\\| ${metric.type} \\| ${metric.source} \\|`));
  });

  it('alerts/wf-001.yaml is production\'s rules', () => {
    expect(files.get('alerts/wf-001.yaml')).toContain('namespace="agentaskit-production"');
  });
});
