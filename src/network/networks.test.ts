import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PSEUDO_IDS } from './networks';

test('the pseudo networks keep their ids: sha256 of "mydocker network host" and "mydocker network none"', () => {
  for (const name of ['host', 'none']) {
    assert.equal(PSEUDO_IDS[name], createHash('sha256').update(`mydocker network ${name}`).digest('hex'));
  }
});
