// The test command: unit tests (beside the code) and integration tests (real kernel, as root),
// all with node's built-in runner; its closing summary is what CI reads.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['build/src', 'build/test/integration', 'build/test/differential'];
const files = dirs.flatMap((d) => (d.endsWith('.js') ? [d] : testFiles(d))).sort();
const res = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
