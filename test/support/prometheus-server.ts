/**
 * Starts a real Prometheus server (the Debian 2.42 build from .tools/) preloaded with synthetic
 * OpenMetrics data, so tests can check PromQL (alert expressions, dashboard and canary queries)
 * against the actual query engine rather than a mock.
 *
 * Data gets in via `promtool tsdb create-blocks-from openmetrics` (backfill into TSDB blocks)
 * before the server starts; nothing is scraped. Typical use, one server per test file:
 *
 *   const prom = sharedPrometheus(() => ({ openMetrics: openMetrics(series, recentWindow(7200)) }));
 *   it('...', async () => { const r = await prom().query('up'); ... });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { sampleTimeRange } from './openmetrics';
import { run, toolPath } from './tools';
import { freePort } from '../../scripts/cluster/processes';

export { freePort };

export interface QueryData {
  resultType: string;
  result: unknown[];
}

/** One sample of an instant vector, with its value parsed (`NaN`, `+Inf` included). */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** The samples of an instant query's result; throws when the result is not an instant vector. */
export function instantVector(data: QueryData): VectorSample[] {
  if (data.resultType !== 'vector') throw new Error(`expected an instant vector, got a ${data.resultType}`);
  return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
}

/** `data` of /api/v1/rules: the loaded groups with each rule's health, lastError and lastEvaluation. */
export interface RulesData {
  groups: Array<{ name: string; file: string; rules: Array<Record<string, unknown>> }>;
}

export interface StartOptions {
  /** OpenMetrics text (see openmetrics.ts); must end with `# EOF`. */
  openMetrics: string;
  /** Rule files to load (paths resolved against the cwd). */
  ruleFiles?: string[];
  /** Rule evaluation interval; default 15s. */
  evaluationInterval?: string;
  /** `--query.lookback-delta`; Prometheus' default is 5m. */
  lookbackDelta?: string;
  /** How long to wait for /-/ready; default 20 s. */
  readyTimeoutMs?: number;
  /** Extra command-line flags for `prometheus`. */
  extraArgs?: string[];
  /** `scrape_configs` (live suites: Flagger, kube-state-metrics, the simulated pods). @default none: nothing is scraped */
  scrapeConfigs?: ReadonlyArray<Record<string, unknown>>;
  /** `global.scrape_interval`. @default Prometheus' own (1m) */
  scrapeInterval?: string;
  /** Alertmanagers to send alerts to, `host:port` (loopback). @default none */
  alertmanagers?: readonly string[];
}

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Unix seconds of the first / last backfilled sample (NaN if there was no data). */
  dataStartsAt: number;
  dataEndsAt: number;
  /**
   * Instant query via /api/v1/query at `time` (unix seconds; default `dataEndsAt`, since the
   * backfilled data need not reach "now"). Throws an Error containing Prometheus' error
   * message and the expression if the query fails to parse or execute.
   */
  query(expr: string, time?: number): Promise<QueryData>;
  /** Range query via /api/v1/query_range; times in unix seconds. */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<QueryData>;
  /** `data` of /api/v1/rules. */
  rules(): Promise<RulesData>;
  /**
   * Resolves once the rule manager has evaluated every loaded rule at least once (it evaluates
   * at wall-clock time, so recorded series and alert states exist only from then on); rejects
   * after `timeoutMs` (default 15 s) or when no rule is loaded.
   */
  rulesEvaluated(timeoutMs?: number): Promise<void>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and deletes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

// ---- cleanup of servers a test forgot (or failed) to stop ------------------------------------

interface Live {
  child: ChildProcess;
  dir: string;
}
const live = new Set<Live>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL and rmSync are. Signals and SIGKILL of this
  // process are covered by the per-server watchdog below.
  process.on('exit', () => {
    for (const s of live) {
      try {
        s.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });
}

/**
 * A tiny `sh` sidecar holding the read end of a pipe from this process. A Node 'exit' hook does
 * not run when a Jest worker is killed by a signal; the pipe, however, always reaches EOF when
 * this process dies, and then the sidecar stops Prometheus and removes its temp dir. On a
 * normal stop() we write a newline, which makes `read` succeed and the sidecar exit quietly.
 */
const WATCHDOG = `
if ! read -r _; then
  kill -TERM "$1" 2>/dev/null
  # A zombie still answers kill -0 (it is gone, just not yet reaped): stop waiting for it.
  i=0
  while kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null && [ $i -lt 50 ]; do
    sleep 0.1; i=$((i+1))
  done
  kill -KILL "$1" 2>/dev/null
  rm -rf "$2"
fi`;

function startWatchdog(pid: number, dir: string): ChildProcess {
  const w = spawn('sh', ['-c', WATCHDOG, 'prometheus-watchdog', String(pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true, // own process group: a Ctrl-C to the test run must not kill it first
  });
  // Neither the sidecar nor its pipe may keep the test process alive.
  w.unref();
  (w.stdin as unknown as net.Socket).unref();
  w.on('error', () => undefined);
  w.stdin!.on('error', () => undefined);
  return w;
}

// ---- helpers ---------------------------------------------------------------------------------

/** Keeps the last `max` characters of a stream, for error messages. */
function tail(stream: NodeJS.ReadableStream | null, max = 16_000): () => string {
  let buf = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buf = (buf + chunk).slice(-max);
  });
  return () => buf;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

async function api<T>(url: string, body: URLSearchParams | undefined, what: string): Promise<T> {
  const res = await fetch(url, body ? { method: 'POST', body } : {}); // POST: no URL length limit
  const text = await res.text();
  let json: ApiResponse<T>;
  try {
    json = JSON.parse(text) as ApiResponse<T>;
  } catch {
    throw new Error(`Prometheus returned HTTP ${res.status} (not JSON) for ${what}: ${text.slice(0, 500)}`);
  }
  if (json.status !== 'success') {
    throw new Error(`Prometheus ${json.errorType ?? 'error'} (HTTP ${res.status}): ${json.error} -- for ${what}`);
  }
  return json.data as T;
}

// ---- the server ------------------------------------------------------------------------------

export async function startPrometheus(opts: StartOptions): Promise<PrometheusServer> {
  if (!/#\s*EOF\s*$/.test(opts.openMetrics)) {
    throw new Error('openMetrics text must end with "# EOF" (promtool rejects it otherwise)');
  }
  const prometheusBin = toolPath('prometheus'); // fail with the install hint before doing work
  const range = sampleTimeRange(opts.openMetrics);
  // promtool reads timestamps as seconds and silently accepts milliseconds (-> year 58000).
  if (range && range.max > 1e11) {
    throw new Error(`OpenMetrics timestamps must be unix seconds; got ${range.max} (milliseconds?)`);
  }
  // A bad rule file makes Prometheus exit with a generic "error loading config"; promtool names
  // the file, rule and parse error, so check first (~0.1 s).
  for (const f of opts.ruleFiles ?? []) {
    const r = run('promtool', ['check', 'rules', f]);
    if (r.code !== 0) throw new Error(`invalid rule file ${f}:\n${(r.stdout + r.stderr).trim()}`);
  }
  // Only now create the temp dir, so the checks above cannot leak it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentaskit-prom-'));
  const dataDir = path.join(dir, 'data');
  try {
    fs.mkdirSync(dataDir);
    if (range) {
      const input = path.join(dir, 'input.om');
      fs.writeFileSync(input, opts.openMetrics);
      const r = run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir]);
      if (r.code !== 0) throw new Error(`promtool backfill failed (exit ${r.code}):\n${r.stderr || r.stdout}`);
    }
    // JSON is valid YAML, so no YAML library is needed for the config.
    const config = {
      global: { evaluation_interval: opts.evaluationInterval ?? '15s', ...(opts.scrapeInterval ? { scrape_interval: opts.scrapeInterval } : {}) },
      rule_files: (opts.ruleFiles ?? []).map((f) => path.resolve(f)),
      ...(opts.scrapeConfigs ? { scrape_configs: opts.scrapeConfigs } : {}),
      ...(opts.alertmanagers?.length ? { alerting: { alertmanagers: [{ static_configs: [{ targets: opts.alertmanagers }] }] } } : {}),
    };
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  // Another process may grab the port between freePort() and Prometheus binding it: retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(prometheusBin, opts, dir, dataDir, range);
    } catch (e) {
      lastError = e;
      if (!/address already in use/.test(String(e))) break;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(
  bin: string,
  opts: StartOptions,
  dir: string,
  dataDir: string,
  range: { min: number; max: number } | null,
): Promise<PrometheusServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${dataDir}`,
    // Retention is relative to the newest block; a long one guarantees no backfilled block is
    // deleted whatever time range the test data spans.
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    ...(opts.lookbackDelta ? [`--query.lookback-delta=${opts.lookbackDelta}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrTail = tail(child.stderr); // Prometheus logs to stderr
  tail(child.stdout); // drain so a full pipe can never block it
  installExitHook();
  const entry: Live = { child, dir };
  live.add(entry);
  const watchdog = child.pid ? startWatchdog(child.pid, dir) : undefined;

  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      watchdog?.stdin?.end('\n'); // tell the sidecar all is well
      live.delete(entry);
      fs.rmSync(dir, { recursive: true, force: true });
    })());

  // Wait for readiness; bail out early if the process dies (bad flag, bad rule file, port taken).
  const timeoutMs = opts.readyTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      // Its log is logfmt; the level=error lines carry the cause, the tail gives context.
      const errors = stderrTail().split('\n').filter((l) => l.includes('level=error'));
      throw new Error(`prometheus exited before becoming ready (code ${child.exitCode}):\n${errors.join('\n') || stderrTail()}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready at ${url} after ${timeoutMs} ms; stderr tail:\n${stderrTail()}`);
    }
    await sleep(50);
  }

  const dataEndsAt = range?.max ?? NaN;
  const rules = () => api<RulesData>(`${url}/api/v1/rules`, undefined, 'rules');
  return {
    url,
    dataStartsAt: range?.min ?? NaN,
    dataEndsAt,
    query(expr, time = dataEndsAt) {
      const body = new URLSearchParams({ query: expr });
      if (Number.isFinite(time)) body.set('time', String(time));
      return api<QueryData>(`${url}/api/v1/query`, body, `query ${JSON.stringify(expr)}`);
    },
    queryRange(expr, start, end, stepSeconds) {
      const body = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(stepSeconds) });
      return api<QueryData>(`${url}/api/v1/query_range`, body, `range query ${JSON.stringify(expr)}`);
    },
    rules,
    async rulesEvaluated(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const loaded = (await rules()).groups.flatMap((g) => g.rules);
        // Go's zero time (0001-01-01…) means "not evaluated yet".
        if (loaded.length > 0 && loaded.every((r) => r.lastEvaluation && !String(r.lastEvaluation).startsWith('0001'))) return;
        if (Date.now() > deadline) throw new Error(`rules not all evaluated within ${timeoutMs} ms (${loaded.length} loaded)`);
        await sleep(200);
      }
    },
    stop,
  };
}

/**
 * Jest helper: starts one server in beforeAll and stops it in afterAll (even when tests fail),
 * returning an accessor. `opts` is a thunk so series can use the current time at start-up.
 */
export function sharedPrometheus(opts: () => StartOptions, startTimeoutMs = 30_000): () => PrometheusServer {
  let server: PrometheusServer | undefined;
  beforeAll(async () => {
    server = await startPrometheus(opts());
  }, startTimeoutMs);
  afterAll(async () => {
    await server?.stop();
  }, 10_000);
  return () => {
    if (!server) throw new Error('Prometheus server not started (did beforeAll fail?)');
    return server;
  };
}
