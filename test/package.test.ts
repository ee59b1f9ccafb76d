/**
 * The library use: `npm pack`, then a consumer app installs the tarball with the peers and runs
 * the README's construct example. It must get the constructs and what they need, and nothing of
 * the deploy use (Pulumi, the build and test tools).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { toolVersion } from '../scripts/cluster/tools';

const root = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });

function packagesIn(modules: string): string[] {
  return fs.readdirSync(modules).filter((d) => !d.startsWith('.')).flatMap((d) => (d.startsWith('@') ? fs.readdirSync(path.join(modules, d)).map((s) => `${d}/${s}`) : [d]));
}

describe('installed as a library from npm pack', () => {
  let dir: string;
  let tarball: string;
  let installed: string[];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
    // prepack compiles the library (tsc) into the tarball.
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(dir, packed!.filename);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const peers = Object.entries(manifest.peerDependencies as Record<string, string>).map(([name, range]) => `${name}@${range}`);
    // --prefer-offline: the packages are in npm's cache since this repository's own npm ci.
    npm(['install', '--prefer-offline', '--no-package-lock', tarball, ...peers], dir);
    installed = packagesIn(path.join(dir, 'node_modules'));
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the tarball holds the compiled library, the LICENSE package.json names, README and docs, no sources or deploy tooling', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/yaml.js', 'build/lib/observability/dashboards/index.js']));
    expect(files.filter((f) => /^(build\/(pulumi|policy|scripts|stacks)|pulumi|policy|scripts|stacks|test)\//.test(f))).toEqual([]);
    expect(manifest.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  test('the consumer gets the constructs and what they need: cdk8s, cdk8s-plus-28 and constructs as peers, no Pulumi, no tooling', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    expect(Object.keys(manifest.dependencies)).toEqual(['@grafana/grafana-foundation-sdk']);
    expect(installed).toEqual(expect.arrayContaining(['agentaskit-deploy', 'cdk8s', 'cdk8s-plus-28', 'constructs', '@grafana/grafana-foundation-sdk']));
    const deployOnly = installed.filter((p) => /^@pulumi\/|^(esbuild|jest|ts-jest|typescript|cdk8s-cli|yaml|kubernetes-models)$/.test(p));
    expect(deployOnly).toEqual([]);
  });

  test('the deploy use keeps Pulumi: the repository itself installs it (npm ci) at the locked versions', () => {
    expect(manifest.devDependencies['@pulumi/pulumi']).toBe('~3.248.0');
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    // Exactly the provider plugin's release (tools/pulumi-kubernetes builds it; docs/live-cluster.md).
    const plugin = toolVersion('pulumi-kubernetes').replace(/^v/, '');
    expect(manifest.devDependencies['@pulumi/kubernetes']).toBe(plugin);
    expect(lock.packages['node_modules/@pulumi/kubernetes'].version).toBe(plugin);
    expect(fs.existsSync(path.join(root, 'node_modules', '@pulumi', 'pulumi', 'package.json'))).toBe(true);
  });

  test('the README\'s construct example runs in the consumer app against the installed package', () => {
    const source = /## Reusing the constructs[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    fs.writeFileSync(path.join(dir, 'app.js'), js);
    const outdir = path.join(dir, 'dist');
    execFileSync(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, CDK8S_OUTDIR: outdir } });
    const manifests = fs.readdirSync(outdir).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');
    expect(manifests).toContain('name: agent-worker');
    expect(manifests).toContain('minReplicas: 50');
  });
});
