import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { can, comparableTime, deriveStatus, type StatusFacts } from './container-status';
import type { RuntimeState } from '../runtime/state';

const state: RuntimeState = {
  schemaVersion: 1, id: 'x', pid: 10, pidStartTime: '5', bundle: '/b', cgroupsPath: '/m/x', createdCgroups: [], created: 't', bootId: 'boot1',
};
const base: StatusFacts = { bootId: 'boot1', initAlive: false, monitorAlive: false, frozen: false, restarting: false };
const exit = (finishedAt: string) => ({ exitCode: 3, signal: 0, oomKilled: false, finishedAt });

test('never started: created; started and exited: exited', () => {
  assert.equal(deriveStatus(base).status, 'created');
  assert.equal(deriveStatus({ ...base, exit: exit('2'), startedAt: '1' }).status, 'exited');
});

test('a live init is running, or paused when frozen', () => {
  assert.equal(deriveStatus({ ...base, state, initAlive: true }).status, 'running');
  assert.equal(deriveStatus({ ...base, state, initAlive: true, frozen: true }).status, 'paused');
});

test('init gone with the exit recorded: exited, and the runtime state is stale', () => {
  assert.deepEqual(deriveStatus({ ...base, state, exit: exit('2'), startedAt: '1' }), { status: 'exited', stale: true });
});

test('an exit file older than the last start does not count', () => {
  const d = deriveStatus({ ...base, state, exit: exit('1'), startedAt: '2' });
  assert.equal(d.status, 'dead');
  assert.match(d.reason!, /nothing watched/);
});

test('init and monitor both gone without an exit file: dead, never running', () => {
  const d = deriveStatus({ ...base, state });
  assert.equal(d.status, 'dead');
  assert.equal(d.stale, true);
});

test('the monitor still alive while the init is gone: still exiting, not stale yet', () => {
  assert.deepEqual(deriveStatus({ ...base, state, monitorAlive: true }), { status: 'running', reason: 'exiting', stale: false });
});

test('state from another boot is stale whatever the pid says: the container exited', () => {
  const d = deriveStatus({ ...base, bootId: 'boot2', state, initAlive: true });
  assert.equal(d.status, 'exited');
  assert.equal(d.stale, true);
  assert.match(d.reason!, /rebooted/);
});

test('a pending restart shows as restarting', () => {
  assert.equal(deriveStatus({ ...base, restarting: true, exit: exit('2'), startedAt: '1' }).status, 'restarting');
});

test('transitions', () => {
  assert.ok(can.start('created') && can.start('exited') && !can.start('running'));
  assert.ok(can.stop('running') && can.stop('paused') && !can.stop('exited'));
  assert.ok(can.pause('running') && !can.pause('paused'));
  assert.ok(can.unpause('paused') && !can.unpause('running'));
  assert.ok(!can.removeWithoutForce('running') && can.removeWithoutForce('exited'));
});

test('times with 3 and 9 fraction digits compare correctly', () => {
  assert.ok(comparableTime('2026-01-01T00:00:00.123456789Z') > comparableTime('2026-01-01T00:00:00.123Z'));
  assert.ok(comparableTime('2026-01-01T00:00:00Z') < comparableTime('2026-01-01T00:00:00.001Z'));
  const d = deriveStatus({ ...base, state, exit: exit('2026-01-01T00:00:00.123400000Z'), startedAt: '2026-01-01T00:00:00.123Z' });
  assert.equal(d.status, 'exited');
});
