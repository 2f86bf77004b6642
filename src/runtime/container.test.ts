// The OCI status of a container derived from its facts, and the operations each status allows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALLOWED, checkId, listContainers, RuntimeContainer } from './container';
import { silentLogger } from '../log/log';
import { pidStartTime, saveState, type RuntimeState } from './state';

function withRoot(fn: (root: string) => void) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-rtstate-'));
  try {
    fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const state = (id: string, pid: number, startTime: string): RuntimeState => ({
  schemaVersion: 1, id, pid, pidStartTime: startTime, bundle: '/b', cgroupsPath: '/mydocker-test-nowhere/' + id, createdCgroups: [],
  created: new Date().toISOString(),
});

test('status: creating, then created while the fifo exists, running after, stopped when the init is gone', () => {
  withRoot((root) => {
    const c = new RuntimeContainer(root, 'c1');
    assert.throws(() => c.status(silentLogger), /container c1 does not exist/);
    fs.mkdirSync(c.dir);
    assert.equal(c.status(silentLogger), 'creating');
    saveState(c.dir, state('c1', process.pid, pidStartTime(process.pid)!));
    fs.writeFileSync(c.fifo, '');
    assert.equal(c.status(silentLogger), 'created');
    fs.rmSync(c.fifo);
    assert.equal(c.status(silentLogger), 'running');
    saveState(c.dir, state('c1', process.pid, 'another-start-time')); // the pid was recycled
    assert.equal(c.status(silentLogger), 'stopped');
    assert.equal(c.ociState(silentLogger).pid, 0, 'a stopped container shows no pid');
  });
});

test('each operation is refused outside its statuses, in runc\'s words', () => {
  withRoot((root) => {
    const c = new RuntimeContainer(root, 'c2');
    saveState(c.dir, state('c2', process.pid, 'gone'));
    assert.throws(() => c.expect('kill', silentLogger), /^FailedPreconditionError: container not running$|container not running/);
    assert.throws(() => c.expect('start', silentLogger), /cannot start a container that has stopped/);
    assert.throws(() => c.expect('resume', silentLogger), /container not paused/);
    assert.throws(() => c.expect('exec', silentLogger), /cannot exec in a stopped container/);
    assert.equal(c.expect('delete', silentLogger), 'stopped');
    saveState(c.dir, state('c2', process.pid, pidStartTime(process.pid)!));
    assert.throws(() => c.expect('start', silentLogger), /cannot start an already running container/);
    assert.throws(() => c.expect('delete', silentLogger), /cannot delete container c2 that is not stopped: running/);
    assert.equal(c.expect('pause', silentLogger), 'running');
  });
  assert.deepEqual(ALLOWED.start, ['created']);
});

test('ids are checked; list finds containers with state only', () => {
  assert.throws(() => checkId('../x'), /invalid container id/);
  assert.throws(() => checkId(''), /invalid container id/);
  assert.equal(checkId('abc_1.2+3-4'), 'abc_1.2+3-4');
  withRoot((root) => {
    saveState(path.join(root, 'b'), state('b', 1, 'x'));
    saveState(path.join(root, 'a'), state('a', 1, 'x'));
    fs.mkdirSync(path.join(root, 'half-made'));
    fs.mkdirSync(path.join(root, '.seccomp-cache'));
    assert.deepEqual(listContainers(root).map((c) => c.id), ['a', 'b']);
  });
});
