import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytesSync } from './random';

describe('randomBytesSync', () => {
  it('gives the length asked for, different every time', () => {
    const a = randomBytesSync(32);
    const b = randomBytesSync(32);
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
    assert.equal(randomBytesSync(0).length, 0);
  });
});
