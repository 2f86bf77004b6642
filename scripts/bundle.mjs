// Bundles the CLI into one file (dist/mydocker.js): fast start-up, lazy per-command code.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: 'dist/mydocker.js',
  sourcemap: 'linked',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
