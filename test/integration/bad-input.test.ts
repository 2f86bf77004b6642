// Bad input: one clear line on stderr, exit 125 (127 for a missing command), and nothing left
// behind: no container record, name, mount, cgroup or runtime state.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mountsUnder, useSandbox } from '../helpers/sandbox';

const sb = useSandbox('badinput', (sb) => {
  assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0); // the default image exists from here on
});

function listDir(d: string): string[] {
  try {
    return fs.readdirSync(d);
  } catch {
    return [];
  }
}

function assertClean() {
  assert.deepEqual(sb.containerIds(), [], 'a container record was left');
  assert.deepEqual(listDir(path.join(sb.root, 'names')), [], 'a name was left reserved');
  assert.deepEqual(listDir(path.join(sb.runroot, 'runtime')), [], 'runtime state was left');
  assert.deepEqual(mountsUnder(sb.dir), [], 'a mount was left');
  assert.deepEqual(sb.leftovers(), []);
}

function assertOneLine(r: { code: number | null; stderr: string }, code: number, pattern: RegExp) {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\s+at\s.+:\d+:\d+/, 'a stack trace leaked');
}

const cases: [string, string[], number, RegExp][] = [
  ['unknown image', ['run', '--rm', 'nosuchimage', 'true'], 125, /unable to find image 'nosuchimage:latest'/],
  ['unknown flag', ['run', '--bogus', 'busybox', 'true'], 125, /unknown flag: --bogus/],
  ['unknown short flag', ['run', '-Z', 'busybox', 'true'], 125, /unknown flag: -Z/],
  ['flag without its value', ['run', '--name'], 125, /flag needs an argument: --name/],
  ['invalid name', ['run', '--name', 'bad name!', 'busybox', 'true'], 125, /invalid container name \(bad name!\)/],
  ['one-character name', ['run', '--name', 'x', 'busybox', 'true'], 125, /invalid container name/],
  ['missing image and command', ['run'], 125, /"run" requires at least 1 argument/],
  ['image without a command', ['run', '--entrypoint', '', 'busybox'], 125, /no command specified/],
  ['relative workdir', ['run', '-w', 'rel', 'busybox', 'true'], 125, /working directory 'rel' is invalid/],
  ['unknown network', ['run', '--network', 'nonet', 'busybox', 'true'], 125, /network nonet not found/],
  ['unknown user', ['run', '-u', 'nobodyhere', 'busybox', 'true'], 125, /unable to find user nobodyhere/],
  ['missing env file', ['run', '--env-file', '/no/such/env', 'busybox', 'true'], 125, /open \/no\/such\/env: no such file or directory/],
  ['invalid env', ['run', '-e', '=x', 'busybox', 'true'], 125, /invalid environment variable: =x/],
  ['invalid hostname', ['run', '--hostname', '-bad-', 'busybox', 'true'], 125, /invalid hostname/],
  ['unknown command', ['frobnicate'], 125, /'frobnicate' is not a mydocker command/],
  ['bad image reference', ['run', 'UPPER', 'true'], 125, /invalid reference format/],
  ['missing command in the container', ['run', '--rm', 'busybox', 'nosuchcmd'], 127, /executable file not found/],
];

for (const [what, args, code, pattern] of cases) {
  test(`${what}: one line, exit ${code}, nothing left`, () => {
    assertOneLine(sb.run(args), code, pattern);
    assertClean();
  });
}

test('a name in use is a conflict, and the loser leaves nothing behind', () => {
  assert.equal(sb.run(['run', '--name', 'taken', 'busybox', 'true']).code, 0);
  const r = sb.run(['run', '--rm', '--name', 'taken', 'busybox', 'true']);
  assertOneLine(r, 125, /the container name "\/taken" is already in use/);
  assert.equal(sb.containerIds().length, 1);
  fs.rmSync(path.join(sb.root, 'containers', sb.containerIds()[0]), { recursive: true });
  fs.rmSync(path.join(sb.root, 'names', 'taken'));
  assertClean();
});
