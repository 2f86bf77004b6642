// Bundles each front into one file and writes V8's code cache for it (read by its bin/ launcher):
// fast start-up, lazy per-command code. dist/mydocker.js is the docker-like CLI,
// dist/mydocker-runtime.js the runc-compatible runtime.
import { build } from 'esbuild';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as vm from 'node:vm';

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
  // The same wrapper and file name as the bin/ launcher uses, or V8 rejects the cache.
  const script = new vm.Script(Module.wrap(fs.readFileSync(outfile, 'utf8')), { filename: `${process.cwd()}/${outfile}` });
  fs.writeFileSync(`${outfile}.cache`, script.createCachedData());
}
