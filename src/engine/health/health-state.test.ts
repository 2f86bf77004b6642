import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyResult, currentHealth, LimitedOutput, nextDelayMs, type Health, type HealthResult } from './health-state';
import type { Probe } from './health-config';

const STARTED = '2026-01-01T00:00:00.000Z';
const at = (sec: number, code: number): HealthResult => {
  const t = new Date(Date.parse(STARTED) + sec * 1000).toISOString();
  return { Start: t, End: t, ExitCode: code, Output: `r${sec}` };
};
const run = (codes: [number, number][], probe = { retries: 3, startPeriodMs: 0 }): Health =>
  codes.reduce((h, [sec, code]) => applyResult(h, at(sec, code), probe, STARTED), currentHealth(undefined, STARTED));

describe('health state machine (docker\'s rules)', () => {
  it('starts as starting; one success makes it healthy', () => {
    assert.deepEqual(currentHealth(undefined, STARTED), { Status: 'starting', FailingStreak: 0, Log: [] });
    const h = run([[1, 0]]);
    assert.equal(h.Status, 'healthy');
    assert.equal(h.FailingStreak, 0);
  });

  it('becomes unhealthy after `retries` consecutive failures; a success clears the streak', () => {
    assert.equal(run([[1, 1], [2, 1]]).Status, 'starting');
    assert.deepEqual([run([[1, 1], [2, 1], [3, 1]]).Status, run([[1, 1], [2, 1], [3, 1]]).FailingStreak], ['unhealthy', 3]);
    const healthyAgain = run([[1, 1], [2, 1], [3, 1], [4, 0]]);
    assert.deepEqual([healthyAgain.Status, healthyAgain.FailingStreak], ['healthy', 0]);
    // a healthy container stays healthy until the streak reaches retries
    const h = run([[1, 0], [2, 1], [3, 1]]);
    assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 2]);
  });

  it('does not count failures within the start period while starting', () => {
    const probe = { retries: 1, startPeriodMs: 10_000 };
    const h = run([[1, 1], [5, 2], [9, 1]], probe);
    assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['starting', 0, 3]);
    assert.equal(run([[1, 1], [11, 1]], probe).Status, 'unhealthy');
    // once healthy, the start period no longer shields failures
    assert.equal(run([[1, 0], [2, 1]], probe).Status, 'unhealthy');
  });

  it('keeps the last five results', () => {
    const h = run([[1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 1], [7, 0]]);
    assert.deepEqual(h.Log.map((r) => r.Output), ['r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('reads a record of an earlier start as reset (status and streak), keeping its log', () => {
    const rec = { schemaVersion: 1 as const, startedAt: '2025-01-01T00:00:00.000Z', Status: 'unhealthy' as const, FailingStreak: 4, Log: [at(1, 1)] };
    assert.deepEqual(currentHealth(rec, STARTED), { Status: 'starting', FailingStreak: 0, Log: [at(1, 1)] });
    assert.equal(currentHealth({ ...rec, startedAt: STARTED }, STARTED).Status, 'unhealthy');
  });
});

describe('probe schedule (docker\'s getInterval)', () => {
  const probe: Probe = { argv: ['true'], intervalMs: 10_000, timeoutMs: 1000, startPeriodMs: 0, startIntervalMs: 2_000, retries: 3 };
  it('is the interval without a start period', () => {
    assert.equal(nextDelayMs(probe, 0, 'starting'), 10_000);
  });
  it('runs every start interval while starting within a long start period, and at its end', () => {
    const p = { ...probe, startPeriodMs: 60_000 };
    assert.equal(nextDelayMs(p, 0, 'starting'), 2_000);
    assert.equal(nextDelayMs(p, 0, 'healthy'), 10_000);
    assert.equal(nextDelayMs(p, 55_000, 'starting'), 5_000);
    assert.equal(nextDelayMs(p, 61_000, 'starting'), 10_000);
  });
});

describe('probe output', () => {
  it('keeps 4096 bytes and marks the cut with "..."', () => {
    const o = new LimitedOutput(4096);
    o.write(Buffer.alloc(4000, 'a'));
    o.write(Buffer.alloc(200, 'b'));
    const t = o.text();
    assert.equal(t.length, 4096 + 3);
    assert.ok(t.endsWith('b...'));
  });
});
