import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './duration';

describe('Go durations', () => {
  it('parses what time.ParseDuration accepts', () => {
    assert.equal(parseGoDuration('30s'), 30e9);
    assert.equal(parseGoDuration('1m30s'), 90e9);
    assert.equal(parseGoDuration('500ms'), 500e6);
    assert.equal(parseGoDuration('1.5s'), 1.5e9);
    assert.equal(parseGoDuration('.5s'), 0.5e9);
    assert.equal(parseGoDuration('1h'), 3600e9);
    assert.equal(parseGoDuration('2us'), 2000);
    assert.equal(parseGoDuration('2µs'), 2000);
    assert.equal(parseGoDuration('7ns'), 7);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('-1s'), -1e9);
    assert.equal(parseGoDuration('+2m'), 120e9);
  });

  it('refuses what it refuses, in its words', () => {
    assert.throws(() => parseGoDuration('5'), /time: missing unit in duration "5"/);
    assert.throws(() => parseGoDuration('5x'), /time: unknown unit "x" in duration "5x"/);
    assert.throws(() => parseGoDuration(''), /time: invalid duration ""/);
    assert.throws(() => parseGoDuration('s'), /time: invalid duration "s"/);
    assert.throws(() => parseGoDuration('1.5.5s'), /missing unit/);
  });

  it('prints as Duration.String()', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(1e9), '1s');
    assert.equal(formatGoDuration(300e6), '300ms');
    assert.equal(formatGoDuration(1.5e6), '1.5ms');
    assert.equal(formatGoDuration(1500), '1.5µs');
    assert.equal(formatGoDuration(90e9), '1m30s');
    assert.equal(formatGoDuration(61.5e9), '1m1.5s');
    assert.equal(formatGoDuration(7200e9), '2h0m0s');
    assert.equal(formatGoDuration(parseGoDuration('1h2m3.25s')), '1h2m3.25s');
  });
});
