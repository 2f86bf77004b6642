import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError } from '../errors/errors';
import { idMapArgs } from './id-maps';

const user = { name: 'alice', uid: 1001, gid: 1002 };

test('the user becomes 0, its subordinate ranges follow from 1 (by name or by uid)', () => {
  assert.equal(idMapArgs(user, 'uid', 'bob:100000:65536\nalice:165536:65536\n'), '0 1001 1 1 165536 65536');
  assert.equal(idMapArgs(user, 'gid', 'alice:165536:65536\n1001:300000:10\n'), '0 1002 1 1 165536 65536 65537 300000 10');
});

test('no subordinate range: refused with the usermod that adds one', () => {
  assert.throws(() => idMapArgs(user, 'uid', 'bob:100000:65536\n'), (e: unknown) =>
    e instanceof MydockerError && e.kind === 'FailedPrecondition' && /\/etc\/subuid has no range for alice/.test(e.message) && /usermod --add-subuids/.test(e.hint ?? ''));
});
