import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rootlessDirs } from './dirs';

test('XDG directories, with the usual fallbacks', () => {
  assert.deepEqual(rootlessDirs({ HOME: '/home/a', XDG_RUNTIME_DIR: '/run/user/7' }, 7, () => false), {
    root: '/home/a/.local/share/mydocker', runroot: '/run/user/7/mydocker', pauseFile: '/run/user/7/mydocker/pause.pid',
  });
  assert.equal(rootlessDirs({ HOME: '/home/a', XDG_DATA_HOME: '/data/a' }, 7, (d) => d === '/run/user/7').root, '/data/a/mydocker');
  assert.equal(rootlessDirs({ HOME: '/home/a' }, 7, (d) => d === '/run/user/7').runroot, '/run/user/7/mydocker');
  assert.equal(rootlessDirs({ HOME: '/home/a', XDG_DATA_HOME: 'relative' }, 7, () => true).root, '/home/a/.local/share/mydocker');
});

test('no runtime directory: refused, saying how to get one', () => {
  assert.throws(() => rootlessDirs({ HOME: '/home/a' }, 7, () => false), /needs \$XDG_RUNTIME_DIR/);
  assert.throws(() => rootlessDirs({ XDG_RUNTIME_DIR: '/run/user/7' }, 7, () => false), /needs \$HOME/);
});
