import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { secureJoin } from './secure-join';

function withRoot(fn: (root: string) => void) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-securejoin-'));
  try {
    fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('.. never climbs above the root', () =>
  withRoot((root) => {
    assert.equal(secureJoin(root, '../../etc/passwd'), path.join(root, 'etc/passwd'));
    assert.equal(secureJoin(root, '/a/../../b'), path.join(root, 'b'));
  }));

test('absolute symlinks are re-anchored at the root', () =>
  withRoot((root) => {
    fs.mkdirSync(path.join(root, 'etc'));
    fs.symlinkSync('/etc', path.join(root, 'link'));
    assert.equal(secureJoin(root, '/link/passwd'), path.join(root, 'etc/passwd'));
  }));

test('relative symlinks that climb out are clamped', () =>
  withRoot((root) => {
    fs.mkdirSync(path.join(root, 'a'));
    fs.symlinkSync('../../../../tmp', path.join(root, 'a/up'));
    assert.equal(secureJoin(root, 'a/up/x'), path.join(root, 'tmp/x'));
  }));

test('symlink loops fail with a clear error', () =>
  withRoot((root) => {
    fs.symlinkSync('loop', path.join(root, 'loop'));
    assert.throws(() => secureJoin(root, '/loop/x'), /too many levels of symbolic links/);
  }));
