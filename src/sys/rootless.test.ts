import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isInitialUidMap } from './rootless';

test('only the identity map of every id is the initial user namespace', () => {
  assert.equal(isInitialUidMap('         0          0 4294967295\n'), true);
  assert.equal(isInitialUidMap('         0       1001          1\n         1     100000      65536\n'), false);
  assert.equal(isInitialUidMap('0 0 65536\n'), false);
});
