import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { inOrderWithLimit } from './each-container';

test('inOrderWithLimit: never more than the limit at once, every item once, outcomes in the items order', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  const outcomes = inOrderWithLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
    running++;
    most = Math.max(most, running);
    seen.push(n);
    await new Promise((r) => setTimeout(r, n * 3));
    running--;
    if (n === 2) throw new Error('two');
    return n * 10;
  });
  const settled = await Promise.allSettled(outcomes);
  assert.equal(most, 3);
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)), [50, 10, 40, 'two', 30, 0, 60]);
});

test('inOrderWithLimit: a synchronous throw inside fn is a rejection of that item only', async () => {
  const outcomes = inOrderWithLimit([1, 2, 3], 1, (n) => {
    if (n !== 2) throw new Error(`sync ${n}`);
    return Promise.resolve(n);
  });
  await assert.rejects(outcomes[0], /sync 1/);
  assert.equal(await outcomes[1], 2);
  await assert.rejects(outcomes[2], /sync 3/);
});
