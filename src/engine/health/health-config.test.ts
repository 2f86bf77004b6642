import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { healthConfigFromFlags, mergeHealthConfig, probeOf, validateHealthConfig } from './health-config';

describe('health flags → Config.Healthcheck (docker CLI)', () => {
  it('builds docker\'s HealthConfig in nanoseconds, zero fields left out', () => {
    assert.deepEqual(healthConfigFromFlags({ cmd: 'true', interval: '1s', none: false }), { Test: ['CMD-SHELL', 'true'], Interval: 1e9 });
    assert.deepEqual(healthConfigFromFlags({ interval: '1m30s', timeout: '500ms', retries: '2', startPeriod: '3s', startInterval: '1s', none: false }),
      { Interval: 90e9, Timeout: 500e6, StartPeriod: 3e9, StartInterval: 1e9, Retries: 2 });
    assert.equal(healthConfigFromFlags({ none: false }), undefined);
    assert.deepEqual(healthConfigFromFlags({ none: true }), { Test: ['NONE'] });
  });

  it('refuses what docker\'s CLI refuses', () => {
    assert.throws(() => healthConfigFromFlags({ cmd: 'true', none: true }), /--no-healthcheck conflicts with --health-\* options/);
    assert.throws(() => healthConfigFromFlags({ interval: '-1s', none: false }), /--health-interval cannot be negative/);
    assert.throws(() => healthConfigFromFlags({ retries: '-1', none: false }), /--health-retries cannot be negative/);
    assert.throws(() => healthConfigFromFlags({ interval: '5', none: false }), /invalid argument "5" for "--health-interval" flag: time: missing unit/);
    assert.throws(() => healthConfigFromFlags({ retries: 'x', none: false }), /invalid argument "x" for "--health-retries"/);
  });
});

describe('the engine\'s checks and merge (dockerd)', () => {
  it('refuses sub-millisecond durations and negative retries', () => {
    assert.throws(() => validateHealthConfig({ Test: ['CMD', 'true'], Interval: 5 }), /Interval in Healthcheck cannot be less than 1ms/);
    assert.throws(() => validateHealthConfig({ Timeout: 999_999 }), /Timeout in Healthcheck cannot be less than 1ms/);
    assert.throws(() => validateHealthConfig({ Retries: -1 }), /Retries in Healthcheck cannot be negative/);
    assert.throws(() => validateHealthConfig({ Test: 'true' }), /Test must be a list of strings/);
    assert.doesNotThrow(() => validateHealthConfig({ Test: ['CMD-SHELL', 'true'], Interval: 1_000_000 }));
    assert.doesNotThrow(() => validateHealthConfig(undefined));
  });

  it('takes what the user left unset from the image', () => {
    const image = { Test: ['CMD', '/bin/check'], Interval: 5e9, Retries: 4 };
    assert.deepEqual(mergeHealthConfig(undefined, image), image);
    assert.deepEqual(mergeHealthConfig({ Interval: 1e9 }, image), { Test: ['CMD', '/bin/check'], Interval: 1e9, Retries: 4 });
    assert.deepEqual(mergeHealthConfig({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 5e9, Retries: 4 });
    assert.equal(mergeHealthConfig(undefined, undefined), undefined);
  });

  it('resolves the probe with docker\'s defaults; NONE and unknown types mean none', () => {
    assert.deepEqual(probeOf({ Test: ['CMD-SHELL', 'curl -f x'] }), {
      argv: ['/bin/sh', '-c', 'curl -f x'], intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3,
    });
    assert.deepEqual(probeOf({ Test: ['CMD', 'a', 'b'], Interval: 1e9, Retries: 1 })?.argv, ['a', 'b']);
    assert.equal(probeOf({ Test: ['NONE'] }), undefined);
    assert.equal(probeOf({ Test: ['BOGUS', 'x'] }), undefined);
    assert.equal(probeOf({ Interval: 1e9 }), undefined);
    assert.equal(probeOf(undefined), undefined);
  });
});
