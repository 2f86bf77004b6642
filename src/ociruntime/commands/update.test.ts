import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from '../../cli/argv';
import { command } from './update';

test('runc update\'s flags become OCI resources, real-time bandwidth included', () => {
  const args = parseArgs(['--cpu-rt-period', '500000', '--cpu-rt-runtime', '5000', '--cpu-share', '300', '--memory', '67108864', 'ctr'], command.options, { command: 'update' });
  assert.deepEqual(command.toOptions(args), {
    id: 'ctr',
    resources: { memory: { limit: 67108864 }, cpu: { shares: 300, realtimePeriod: 500000, realtimeRuntime: 5000 } },
  });
});
