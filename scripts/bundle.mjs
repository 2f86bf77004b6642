// Bundles the CLI into one file (dist/mydocker.js) and writes V8's code cache for it
// (dist/mydocker.js.cache, read by bin/mydocker): fast start-up, lazy per-command code.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as vm from 'node:vm';

const outfile = 'dist/mydocker.js';
await build({
  entryPoints: ['src/cli/entry.ts'],
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
// The same wrapper and file name as bin/mydocker uses, or V8 rejects the cache.
const script = new vm.Script(Module.wrap(fs.readFileSync(outfile, 'utf8')), { filename: `${process.cwd()}/${outfile}` });
fs.writeFileSync(`${outfile}.cache`, script.createCachedData());
