#!/usr/bin/env node
/**
 * Runs a TypeScript command-line entry point without the tsc build:
 *
 *   node scripts/run.js <entry.ts> [arguments...]        (npm run synth, wait-canary, diff, alerts, bench)
 *
 * Node loads the `.ts` sources as modules, each compiled on its own by esbuild (transpile only;
 * `isolatedModules` holds, so no file needs another to compile). Caches in build/run/ make a run
 * after an edit cost little more than a run after none, and both cost less than Node's own
 * `require('cdk8s-plus-28')`:
 *
 * - the JavaScript of each source (`<entry>.<node>.cache`): only a source that changed goes to
 *   esbuild again, all of them in one esbuild run;
 * - V8's code cache of each module the command loads, sources and node_modules alike (the latter
 *   in `node_modules.<node>.cache`, shared by every entry): Node deserializes compiled code instead
 *   of parsing and compiling it (cdk8s-plus-28 is 3.5 MB of JavaScript);
 * - where a module in node_modules, or a package a source imports, resolves to: Node otherwise
 *   searches the file system for each of the ~400 modules (the Grafana SDK alone has 230). Valid
 *   while node_modules/.package-lock.json, which npm rewrites whenever it changes node_modules, is.
 *
 * An entry is keyed by its file's size, modification and change times and inode, as git's index
 * is: any write changes the change time, which no tool can set back. A file changed less than
 * SETTLE_MS before it is cached could change again within the same clock tick, leaving the times
 * as they were; such a source is kept with its text and compared by content, and such a module in
 * node_modules is not cached. The JavaScript of a source is also tied to the compiler (esbuild's
 * version, tsconfig.json and this file, compared by content); a source's code cache to its
 * JavaScript. V8 checks its code cache against its version and flags. Losing the caches costs
 * only time.
 *
 * Why not `tsc && node build/...`: tsc type-checks the whole program, ~4 s even incrementally,
 * which every `npm run synth` paid. Type errors are still caught by `npm test` (and CI) and
 * `npm run typecheck`; a bad config value is caught at run time by the config's own validation.
 *
 * The entry exports `cli(argv): number` (its exit code), called in this process.
 *
 * Plain JavaScript because it is what runs before anything is compiled.
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const root = path.resolve(__dirname, '..');
const CACHE_FORMAT = 2;
/** How long after its last change a file's times are trusted to change with its content. */
const SETTLE_MS = 2000;
/**
 * Packages bundled into one file (per entry) instead of loaded module by module: the Grafana SDK
 * is 230 small modules (one by one they cost about 0.2× the bare require of cdk8s-plus-28 more
 * than the bundle), needs no file of its own at run time and compares no objects across modules
 * (no instanceof), so a copy in a bundle behaves as the package does. cdk8s, cdk8s-plus-28 and
 * constructs are not bundled: there must be one copy of each in the process (jsii's type
 * checks), and cdk8s reads files beside its modules.
 */
const VENDORED = ['@grafana/grafana-foundation-sdk'];
/** The name of the vendor bundle's entry (no file: esbuild reads it from stdin). */
const VENDOR_ENTRY = '<vendor entry>';
/** What decides the JavaScript esbuild makes of a source, besides the source (and esbuild's executable). */
const COMPILER_FILES = ['node_modules/esbuild/package.json', 'tsconfig.json', 'scripts/run.js'];

/** Where the caches of `entry` (relative to the root, e.g. `stacks/main.ts`) live. */
function cachePaths(entry) {
  const suffix = `${process.version}-${process.arch}.cache`;
  return {
    sources: path.join(root, 'build', 'run', `${entry.replace(/\.ts$/, '')}.${suffix}`),
    nodeModules: path.join(root, 'build', 'run', `node_modules.${suffix}`),
    /** The vendor bundle is `<vendor>.<build>.js`, a new name for each build (a running command keeps its own). */
    vendor: path.join(root, 'build', 'run', `${entry.replace(/\.ts$/, '')}.vendor`),
  };
}

/** File stats, once per file and run. */
const stats = new Map();
function statOf(file) {
  let stat = stats.get(file);
  if (stat === undefined) {
    stat = fs.statSync(file, { throwIfNoEntry: false }) ?? null;
    stats.set(file, stat);
  }
  return stat;
}

/** The key of a file as it is, or undefined while it is too recently changed (or missing) to trust its times. */
function settledKey(file) {
  const stat = statOf(file);
  if (!stat || Date.now() - Math.max(stat.mtimeMs, stat.ctimeMs) < SETTLE_MS) return undefined;
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}`;
}

/** The current key of a file an entry was keyed by (settled or not). */
function currentKey(file) {
  const stat = statOf(file);
  return stat ? `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}` : undefined;
}

let generation = 0;
/** A key no other entry has: what a source's code cache names its JavaScript by. */
function uniqueKey() {
  return `${process.pid}.${Date.now()}.${++generation}`;
}

/**
 * A cache file: a 4-byte length, an index (JSON) and the bytes it points to. Entries are
 * [id, key, offset, length] with id `<kind>:<file>`; the index also holds `extra` (JSON data).
 */
class Cache {
  constructor(file) {
    this.file = file;
    /** @type {Map<string, {key: string, bytes: Buffer}>} */
    this.entries = new Map();
    this.extra = {};
    this.changed = false;
    try {
      const blob = fs.readFileSync(file);
      const indexLength = blob.readUInt32LE(0);
      const index = JSON.parse(blob.toString('utf8', 4, 4 + indexLength));
      const data = 4 + indexLength;
      // A file of another format, or cut short, is no cache.
      if (index.format !== CACHE_FORMAT || data + index.entries.reduce((sum, entry) => sum + entry[3], 0) !== blob.length) throw new Error('not a cache');
      for (const [id, key, offset, length] of index.entries) this.entries.set(id, { key, bytes: blob.subarray(data + offset, data + offset + length) });
      this.extra = index.extra;
    } catch {
      // No cache yet, or a damaged one: everything compiles afresh and is cached again.
      this.entries.clear();
      this.extra = {};
    }
  }

  get(id, key) {
    const entry = this.entries.get(id);
    return entry !== undefined && key !== undefined && entry.key === key ? entry.bytes : undefined;
  }

  set(id, key, bytes) {
    this.entries.set(id, { key, bytes });
    this.changed = true;
  }

  delete(id) {
    this.changed = this.entries.delete(id) || this.changed;
  }

  /** Writes the cache if anything changed, whole (a concurrent run reads the old or the new file). */
  save() {
    if (!this.changed) return;
    const index = { format: CACHE_FORMAT, entries: [], extra: this.extra };
    const parts = [];
    let offset = 0;
    for (const [id, { key, bytes }] of this.entries) {
      const file = id.slice(id.indexOf(':') + 1);
      if (path.isAbsolute(file) && !statOf(file)) continue; // deleted since
      index.entries.push([id, key, offset, bytes.length]);
      parts.push(bytes);
      offset += bytes.length;
    }
    const json = Buffer.from(JSON.stringify(index));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, Buffer.concat([length, json, ...parts]));
      fs.renameSync(temp, this.file);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
}

let esbuild;
function loadEsbuild() {
  if (esbuild) return esbuild;
  // esbuild's synchronous API otherwise starts a worker thread to run its service (~0.1 s, more
  // on a busy machine); one esbuild process per call is cheaper for the few files an edit changes.
  const workerThreads = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  try {
    esbuild = require('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` first (it installs the build tools with the dependencies).');
  } finally {
    if (workerThreads === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = workerThreads;
  }
  return esbuild;
}

/** esbuild's executable (the platform's package, as esbuild's own API finds it), or undefined. */
function esbuildExecutable() {
  if (process.env.ESBUILD_BINARY_PATH) return process.env.ESBUILD_BINARY_PATH;
  const subpath = process.platform === 'win32' ? `@esbuild/win32-${process.arch}/esbuild.exe` : `@esbuild/${process.platform}-${process.arch}/bin/esbuild`;
  try {
    return require.resolve(subpath, { paths: [root] });
  } catch {
    return undefined;
  }
}

/** The options of every compile: one file at a time, as Node runs it (CommonJS). */
const COMPILE_OPTIONS = { platform: 'node', target: 'node20', format: 'cjs' };

/**
 * The JavaScript of TypeScript sources (absolute paths), from one esbuild run; throws esbuild's
 * errors (file, line and column). Runs esbuild's executable directly: loading esbuild's
 * JavaScript API costs more than the compile of the one file an edit changed.
 */
function transpile(files) {
  const outdir = path.join(root, 'build', 'run', `out.${process.pid}`);
  const relative = files.map((file) => path.relative(root, file));
  const outputOf = (file) => path.join(outdir, path.relative(root, file)).replace(/\.ts$/, '.js');
  const executable = esbuildExecutable();
  try {
    if (executable) {
      const options = Object.entries(COMPILE_OPTIONS).map(([name, value]) => `--${name}=${value}`);
      const result = require('node:child_process').spawnSync(executable, [...relative, `--outdir=${outdir}`, '--outbase=.', ...options, '--log-level=error'], { cwd: root, encoding: 'utf8' });
      if (result.error) throw result.error;
      // esbuild's own text names the file, line and column of a syntax error (then counts them).
      if (result.status !== 0) {
        const broken = [...new Set([...result.stderr.matchAll(/^ +(\S+):\d+:\d+:$/gm)].map(([, file]) => file))];
        throw new Error(`cannot compile ${(broken.length > 0 ? broken : relative).join(', ')}:\n${result.stderr.replace(/\n*\d+ errors?\s*$/, '').trimEnd()}`);
      }
      return new Map(files.map((file) => [file, fs.readFileSync(outputOf(file), 'utf8')]));
    }
    const api = loadEsbuild();
    let result;
    try {
      result = api.buildSync({ absWorkingDir: root, entryPoints: files, outbase: root, outdir, write: false, logLevel: 'silent', ...COMPILE_OPTIONS });
    } catch (error) {
      const messages = api.formatMessagesSync(error.errors ?? [], { kind: 'error', color: false });
      const broken = [...new Set((error.errors ?? []).map((e) => e.location?.file).filter(Boolean))];
      throw new Error(`cannot compile ${(broken.length > 0 ? broken : relative).join(', ')}:\n${messages.join('').trimEnd()}`);
    }
    const byOutput = new Map(result.outputFiles.map((output) => [output.path, output.text]));
    return new Map(files.map((file) => [file, byOutput.get(outputOf(file))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Relative imports of compiled JavaScript that name TypeScript sources (compiled in the same esbuild run). */
function tsImports(file, js) {
  const found = [];
  for (const [, specifier] of js.matchAll(/\brequire\("(\.\.?\/[^"]*)"\)/g)) {
    const base = path.resolve(path.dirname(file), specifier);
    const candidate = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => f.endsWith('.ts') && statOf(f)?.isFile());
    if (candidate) found.push(candidate);
  }
  return found;
}

/** The packages of VENDORED (or their subpaths) that compiled JavaScript requires. */
function vendoredImports(js) {
  const found = new Set();
  for (const [, specifier] of js.matchAll(/\brequire\("([^".][^"]*)"\)/g)) {
    if (VENDORED.some((name) => specifier === name || specifier.startsWith(`${name}/`))) found.add(specifier);
  }
  return [...found].sort();
}

/**
 * The bundle of the VENDORED modules the entry's sources import: `require(file)[specifier]()`
 * returns the module. Built when the sources import another one or npm changed node_modules; none
 * while node_modules/.package-lock.json is missing or just written. Returns the bundle's record
 * ({ file, id, specifiers }) or undefined.
 */
function vendorBundle(sources, installed, base, build) {
  const vendored = (sources.extra.vendored ??= {});
  for (const source of Object.keys(vendored)) if (!sources.entries.has(`js:${source}`)) delete vendored[source];
  const wanted = [...new Set(Object.values(vendored).flat())].sort();
  const built = sources.extra.vendor;
  const current =
    built &&
    built.installed === installed &&
    built.compiler === sources.extra.compiler &&
    built.specifiers.join('\0') === wanted.join('\0') &&
    statOf(built.file) &&
    Object.entries(built.inputs).every(([input, key]) => currentKey(input) === key);
  if (current) return built;
  if (!build || wanted.length === 0 || installed === undefined) return undefined;
  const id = uniqueKey();
  const file = `${base}.${id}.js`;
  let result;
  try {
    result = loadEsbuild().buildSync({
      stdin: { contents: `module.exports = {\n${wanted.map((s) => `  ${JSON.stringify(s)}: () => require(${JSON.stringify(s)}),`).join('\n')}\n};\n`, resolveDir: root, sourcefile: VENDOR_ENTRY, loader: 'js' },
      absWorkingDir: root,
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // The files Node's require() resolves to: without esbuild's default `module` condition,
      // tslib is its CommonJS build (its ES module would be copied into a new object per require).
      conditions: [],
      metafile: true,
      logLevel: 'silent',
    });
  } catch {
    return undefined; // loaded from node_modules, as without the bundle
  }
  // What it was built from, each as it is now: a file changed since (even by hand) rebuilds it.
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input === VENDOR_ENTRY) continue;
    const absolute = path.resolve(root, input);
    const key = settledKey(absolute);
    if (key === undefined) return undefined; // just written: not trusted yet
    inputs[absolute] = key;
  }
  // Earlier bundles (a running command has read its own already).
  const prefix = `${path.basename(base)}.`;
  for (const name of fs.readdirSync(path.dirname(base))) {
    if (name.startsWith(prefix) && name.endsWith('.js') && name !== path.basename(file)) fs.rmSync(path.join(path.dirname(base), name), { force: true });
  }
  sources.extra.vendor = { installed, compiler: sources.extra.compiler, specifiers: wanted, inputs, id, file };
  sources.changed = true;
  return sources.extra.vendor;
}

/**
 * The JavaScript of the TypeScript sources, cached by source (see the top of the file).
 * Entries: `js:<file>` (key: the compiler's generation, then the file's key or `text`) and, for a
 * source cached by content, `text:<file>`.
 */
function sourceCompiler(cache) {
  const executable = esbuildExecutable();
  const executableStat = executable && statOf(executable);
  const compilerText = Buffer.concat([
    ...COMPILER_FILES.map((file) => fs.readFileSync(path.join(root, file))),
    Buffer.from(`${executable}:${executableStat?.size}:${executableStat?.mtimeMs}`),
  ]);
  if (!cache.get('compiler:', 'text')?.equals(compilerText)) {
    cache.set('compiler:', 'text', compilerText);
    cache.extra.compiler = uniqueKey();
  }
  const generation = cache.extra.compiler;

  /** The entry's JavaScript and the key of that JavaScript (for its code cache) if it still holds for the file. */
  function cached(file) {
    const entry = cache.entries.get(`js:${file}`);
    if (!entry || !entry.key.startsWith(`${generation}|`)) return undefined;
    const [, fileKey, jsKey] = entry.key.split('|');
    if (fileKey === 'text') {
      const text = cache.entries.get(`text:${file}`);
      const source = statOf(file) ? fs.readFileSync(file) : undefined;
      if (!text || !source || !text.bytes.equals(source)) return undefined;
      // Settled since: keyed by its times from now on (no more reading to compare).
      const settled = settledKey(file);
      if (settled) {
        cache.delete(`text:${file}`);
        cache.set(`js:${file}`, `${generation}|${settled}|${jsKey}`, entry.bytes);
      }
    } else if (fileKey !== currentKey(file)) {
      return undefined;
    }
    return { js: entry.bytes, key: `${generation}|${jsKey}` };
  }

  function store(file, js) {
    const settled = settledKey(file);
    if (settled) cache.delete(`text:${file}`);
    // Read after the stat: a write in between makes the entry stale, never wrong.
    else cache.set(`text:${file}`, '', fs.readFileSync(file));
    cache.set(`js:${file}`, `${generation}|${settled ?? 'text'}|${uniqueKey()}`, Buffer.from(js));
    const vendored = vendoredImports(js);
    cache.extra.vendored ??= {};
    if (vendored.length > 0) cache.extra.vendored[file] = vendored;
    else delete cache.extra.vendored[file];
  }

  /** Compiles `files` and the sources they import that are not cached, in as few esbuild runs as the import depth. */
  function compile(files) {
    const seen = new Set(files);
    let batch = files;
    while (batch.length > 0) {
      const next = [];
      for (const [file, js] of transpile(batch)) {
        store(file, js);
        for (const imported of tsImports(file, js)) {
          if (!seen.has(imported) && !cached(imported)) next.push(imported);
          seen.add(imported);
        }
      }
      batch = next;
    }
  }

  // Sources an earlier run compiled and that changed since: compiled together before anything runs.
  const changed = [...cache.entries.keys()].filter((id) => id.startsWith('js:')).map((id) => id.slice(3)).filter((file) => statOf(file) && !cached(file));
  if (changed.length > 0) compile(changed);

  /** The JavaScript of `file` now, and the key its code cache goes by. */
  return function javascriptOf(file) {
    let entry = cached(file);
    if (!entry) {
      compile([file]);
      entry = cached(file);
    }
    return { js: entry.js.toString('utf8'), key: entry.key };
  };
}

/** Installs the `.ts` loader, the code cache and the resolution cache for `entry`; returns what writes the caches. */
function install(entry) {
  const paths = cachePaths(entry);
  const sources = new Cache(paths.sources);
  const modules = new Cache(paths.nodeModules);
  const javascriptOf = sourceCompiler(sources);

  /** The key of each source's JavaScript as it was compiled in this run, for its code cache. */
  const sourceKeys = new Map();
  Module._extensions['.ts'] = function loadTypeScript(module, filename) {
    const { js, key } = javascriptOf(filename);
    sourceKeys.set(filename, key);
    module._compile(js, filename);
  };

  // Module file names are real paths (node_modules may be a link, as in npm run bench's copy).
  const nodeModules = `${fs.realpathSync(path.join(root, 'node_modules'))}${path.sep}`;

  // Resolutions into node_modules, valid while npm has not changed node_modules since.
  const installed = settledKey(path.join(root, 'node_modules', '.package-lock.json'));
  if (modules.extra.installed !== installed || !modules.extra.resolutions) {
    modules.extra = { installed, resolutions: {} };
    modules.changed = true;
  }
  const resolutions = modules.extra.resolutions;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWithCache(request, parent, isMain, options) {
    const from = parent?.filename;
    const local = request.startsWith('.') || request.startsWith('#') || path.isAbsolute(request);
    // Project files resolve among project files, which change: left to Node.
    if (installed === undefined || options !== undefined || !from || (local && !from.startsWith(nodeModules))) return resolveFilename.call(this, request, parent, isMain, options);
    const id = `${path.dirname(from)}\0${request}`;
    const known = resolutions[id];
    if (known !== undefined && statOf(known)) return known;
    const file = resolveFilename.call(this, request, parent, isMain, options);
    if (file.startsWith(nodeModules)) {
      resolutions[id] = file;
      modules.changed = true;
    }
    return file;
  };

  let vendor = vendorBundle(sources, installed, paths.vendor, true);
  // Read now, run when first required: a run that rebuilds the bundle meanwhile deletes this file.
  let source;
  try {
    source = vendor && fs.readFileSync(vendor.file, 'utf8');
  } catch {
    vendor = undefined; // just replaced: the packages load from node_modules this time
  }
  if (vendor) {
    const specifiers = new Set(vendor.specifiers);
    let bundle;
    const load = Module._load;
    Module._load = function loadVendored(request, parent, isMain) {
      if (!specifiers.has(request)) return load.call(this, request, parent, isMain);
      if (!bundle) {
        const module = new Module(vendor.file, null);
        module.filename = vendor.file;
        module.paths = Module._nodeModulePaths(path.dirname(vendor.file));
        module._compile(source, vendor.file);
        bundle = module.exports;
      }
      return bundle[request]();
    };
    sourceKeys.set(vendor.file, `vendor|${vendor.id}`);
  }

  const compiled = [];
  const compileWithoutCache = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    // A script made from V8's code cache has no import() callback in Node 20: such a module
    // (or one that only mentions import() in a comment) compiles as Node compiles it.
    if (content.includes('import(')) return compileWithoutCache.call(this, content, filename);
    // Node's CommonJS wrapper, as Module.wrap gives it (a leading #! line becomes a comment).
    const code = Module.wrap(content.startsWith('#!') ? `//${content.slice(2)}` : content);
    const [cache, key] = filename.startsWith(nodeModules) ? [modules, settledKey(filename)] : [sources, sourceKeys.get(filename)];
    const id = `v8:${filename}`;
    const cachedData = cache.get(id, key);
    const script = new vm.Script(code, { filename, cachedData });
    if (key !== undefined && (cachedData === undefined || script.cachedDataRejected)) compiled.push({ cache, id, key, script });
    const fn = script.runInThisContext({ displayErrors: true });
    return Reflect.apply(fn, this.exports, [this.exports, makeRequire(this), this, filename, path.dirname(filename)]);
  };

  return function save() {
    try {
      // Produced after the run: the code cache then holds every function the command compiled.
      for (const { cache, id, key, script } of compiled) cache.set(id, key, script.createCachedData());
      // A first run (or one that found new imports) builds the bundle for the next.
      if (!vendor) vendorBundle(sources, installed, paths.vendor, true);
      sources.save();
      modules.save();
    } catch {
      // A cache that cannot be written costs time, never a result.
    }
  };
}

/** The `require` a module's code gets, as Node makes it. */
function makeRequire(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** The entry's `cli` function; the caches are written when the process exits. */
function load(entry) {
  if (!entry || !entry.endsWith('.ts') || !fs.existsSync(path.join(root, entry))) {
    throw new Error(`usage: node scripts/run.js <entry.ts> [arguments...] (got ${entry === undefined ? 'no entry' : `"${entry}"`})`);
  }
  const save = install(entry);
  const { cli } = require(path.join(root, entry));
  if (typeof cli !== 'function') throw new Error(`${entry} exports no cli(argv) function to run`);
  process.on('exit', save);
  return cli;
}

if (require.main === module) {
  // A command runs for well under a second: TurboFan's optimized code never pays back its compile
  // time, and on a busy machine its compiler threads compete for the CPU. Ignition and Sparkplug
  // (V8's interpreter and baseline compiler) run it all. Set before the command's code compiles.
  require('node:v8').setFlagsFromString('--no-turbofan');
  const [entry, ...argv] = process.argv.slice(2);
  let cli;
  try {
    cli = load(entry);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.exitCode = cli(argv);
}

module.exports = { cachePaths };
