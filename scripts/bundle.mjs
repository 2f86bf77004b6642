// Bundles each front into one file and writes V8's code cache for it (read by its bin/ launcher):
// fast start-up, lazy per-command code. dist/mydocker.js is the docker-like CLI,
// dist/mydocker-runtime.js the runc-compatible runtime.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

// Node builtins that only some verbs use (the registry client's http/https/tls, zlib for archives,
// dgram for port checks, crypto for builds and archives, child_process for helpers, net for sockets,
// stream for archives and output) cost 2–10 ms each to load, and esbuild hoists every require to load
// time. Their module objects are replaced by proxies that require on first use.
const RARE_BUILTINS = ['node:crypto', 'node:child_process', 'node:net', 'node:stream', 'node:http', 'node:https', 'node:tls', 'node:dgram', 'node:zlib', 'node:stream/promises'];

const fronts = [
  { entry: 'src/cli/entry.ts', outfile: 'dist/mydocker.js' },
  { entry: 'src/ociruntime/entry.ts', outfile: 'dist/mydocker-runtime.js' },
];

for (const { entry, outfile } of fronts) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    sourcemap: 'linked',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = keepAscii(loadRareBuiltinsLazily(shareNamespaceCopies(fs.readFileSync(outfile, 'utf8'), outfile), outfile));
  fs.writeFileSync(outfile, code);
  // The same wrapper and file name as the bin/ launcher uses, or V8 rejects the cache.
  const script = new vm.Script(Module.wrap(code), { filename: `${process.cwd()}/${outfile}` });
  fs.writeFileSync(`${outfile}.cache`, script.createCachedData());
  // V8 checks a cache against the source's length only: a per-verb cache of an older bundle must go
  const base = path.basename(outfile);
  for (const f of fs.readdirSync(path.dirname(outfile))) {
    if (f.startsWith(`${base}.`) && f.endsWith('.cache') && f !== `${base}.cache`) fs.rmSync(path.join(path.dirname(outfile), f));
  }
}

// esbuild gives every `import * as fs from 'node:fs'` its own __toESM copy of the module: one
// getter per export, ~100 copies of fs and path in this bundle, ~3 ms of start-up on an idle machine.
// The copies are indistinguishable (getters over the same module), so one per module is kept.
function shareNamespaceCopies(code, outfile) {
  const helper = 'var __toESM = (mod, isNodeMode, target) =>';
  if (!code.includes(helper)) throw new Error(`${outfile}: esbuild's __toESM helper changed; update scripts/bundle.mjs`);
  const shared =
    'var __toESMShared = [new WeakMap(), new WeakMap()], __toESM = (mod, isNodeMode) => {\n' +
    '  if (mod == null || typeof mod != "object" && typeof mod != "function") return __toESMCopy(mod, isNodeMode);\n' +
    '  const seen = __toESMShared[isNodeMode ? 1 : 0];\n' +
    '  let ns = seen.get(mod);\n' +
    '  if (!ns) seen.set(mod, ns = __toESMCopy(mod, isNodeMode));\n' +
    '  return ns;\n' +
    '};\n' +
    'var __toESMCopy = (mod, isNodeMode, target) =>';
  return code.replace(helper, shared);
}

// One non-ASCII character (a µ in a regex, a → in a comment esbuild kept) makes Node decode the whole
// 1 MB file as UTF-8 into a two-byte string: ~3 ms more on every command than the ASCII fast path.
// Escapes mean the same in strings, regexes and identifiers, and nothing in comments.
function keepAscii(code) {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function loadRareBuiltinsLazily(code, outfile) {
  for (const name of RARE_BUILTINS) {
    const req = `require("${name}")`;
    code = code.split(`__toESM(${req})`).join(`__lazyBuiltin(() => __toESM(${req}))`);
    code = code.split(`= ${req}`).join(`= __lazyBuiltin(() => ${req})`);
    const wrapped = code.split(`() => __toESM(${req})`).length + code.split(`() => ${req}`).length - 2;
    if (code.split(req).length - 1 !== wrapped) throw new Error(`${outfile}: an unexpected use of ${req}; update scripts/bundle.mjs`);
  }
  const helper =
    'var __lazyBuiltin = (load) => {\n' +
    '  let mod;\n' +
    '  const real = () => mod ??= load();\n' +
    '  return new Proxy({}, {\n' +
    '    get: (_, key) => real()[key],\n' +
    '    has: (_, key) => key in real(),\n' +
    '    ownKeys: () => Reflect.ownKeys(real()),\n' +
    '    getOwnPropertyDescriptor: (_, key) => {\n' +
    '      const d = Reflect.getOwnPropertyDescriptor(real(), key);\n' +
    '      return d && { ...d, configurable: true };\n' +
    '    },\n' +
    '  });\n' +
    '};\n';
  return code.replace('var __toESMShared', `${helper}var __toESMShared`);
}

trainCliCodeCache();

// A cache made before any execution holds only the top-level code: every function a command runs is
// compiled on first call, ~30% of a `run`'s CPU time. So the build runs the everyday verbs once
// through the launcher in a throw-away store, each writing the cache it then holds (bin/mydocker,
// MYDOCKER_TRAIN_CODE_CACHE). Containers need root; elsewhere the plain cache stays.
function trainCliCodeCache() {
  if (process.getuid?.() !== 0 || !fs.existsSync('native/build/mydocker-nsexec')) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-train-'));
  const md = (args, cache = '1') => spawnSync('bin/mydocker', ['--root', `${dir}/root`, '--runroot', `${dir}/run`, ...args], {
    stdio: 'ignore', env: { ...process.env, MYDOCKER_TRAIN_CODE_CACHE: cache }, timeout: 60_000,
  }).status;
  const runRm = ['run', '--rm', '--network', 'none', 'busybox', 'true'];
  const train = ['run', '-d', '--network', 'none', '--name', 'train', 'busybox', 'sleep', '60'];
  try {
    const steps = [
      ['--version'], runRm, runRm, train, ['exec', 'train', 'true'], ['logs', 'train'], ['ps', '-a'], ['images'], ['inspect', 'train'],
      ['rm', '-f', 'train'],
    ];
    // Then each everyday verb alone, into a cache of its own (bin/mydocker picks it by the verb): it
    // holds only what that verb compiles, less to deserialize than the cache of all (docs/performance.md).
    // The image exists by now, so `run`'s cache leaves out making it.
    const verbSteps = [
      runRm, runRm, train, ['exec', 'train', 'true'], ['logs', 'train'], ['inspect', 'train'], ['ps'], ['ps', '-a'], ['images'],
      ['stop', '-t', '0', 'train'], ['start', 'train'], ['rm', '-f', 'train'],
    ];
    const failed = [
      ...steps.filter((args) => md(args) !== 0),
      ...verbSteps.filter((args) => md(args, args[0]) !== 0),
    ];
    if (failed.length) console.warn(`bundle: code-cache training: ${failed.map((a) => a.join(' ')).join('; ')} failed (the cache is still valid)`);
  } finally {
    md(['rm', '-f', 'train']);
    spawnSync('umount', ['-R', '-l', dir], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

