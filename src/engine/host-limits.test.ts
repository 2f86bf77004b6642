import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseProcLimits } from './host-limits';

test('/proc/self/limits: hard limits by docker name; unlimited is undefined', () => {
  const text = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max processes             96365                96365                processes ',
    'Max open files            20000                20000                files     ',
  ].join('\n');
  const l = parseProcLimits(text);
  assert.equal(l.nofile, 20000n);
  assert.equal(l.nproc, 96365n);
  assert.equal(l.cpu, undefined);
  assert.ok('cpu' in l);
});
