// `mydocker import`: a rootfs tarball (the book's busybox.tar) becomes an image that runs.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../helpers/sandbox';

let sb: Sandbox;
let tarball: string;
before(() => {
  sb = new Sandbox('import');
  const rootfs = path.join(sb.dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const a of ['sh', 'cat', 'ls', 'echo']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  fs.writeFileSync(path.join(rootfs, 'etc', 'marker'), 'imported\n');
  tarball = path.join(sb.dir, 'busybox.tar');
  const r = spawnSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  assert.equal(r.status, 0);
});
after(() => {
  const left = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(left, []);
});

test('import a rootfs tarball, then run it', () => {
  const imp = sb.run(['import', tarball, 'mybox:v1']);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
  const r = sb.run(['run', '--rm', 'mybox:v1', '/bin/sh', '-c', 'cat /etc/marker; echo $$']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'imported\n1\n');
  assert.match(sb.run(['images']).stdout, /mybox\s+v1/);
});

test('import from stdin with a change', () => {
  const imp = sb.run(['import', '-c', 'CMD ["/bin/echo", "default cmd"]', '-', 'fromstdin'], { input: fs.readFileSync(tarball) });
  assert.equal(imp.code, 0, imp.stderr);
  const r = sb.run(['run', '--rm', 'fromstdin']);
  assert.equal(r.stdout, 'default cmd\n');
});

test('a truncated tarball is refused and nothing of it is listed', () => {
  const cut = path.join(sb.dir, 'cut.tar');
  const data = fs.readFileSync(tarball);
  fs.writeFileSync(cut, data.subarray(0, Math.floor(data.length / 2) + 100));
  const r = sb.run(['import', cut, 'broken']);
  assert.equal(r.code, 125);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.doesNotMatch(sb.run(['images']).stdout, /broken/);
});
