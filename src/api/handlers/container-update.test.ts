import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { updateBody } from './container-update';

test('the docker CLI\'s update body: zeros pass through (the engine reads them as unchanged), types checked', () => {
  const body = {
    BlkioWeight: 0, CpuShares: 512, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '0', CpusetMems: '',
    Memory: 67108864, MemoryReservation: 0, MemorySwap: 0, NanoCpus: 0, PidsLimit: null, KernelMemory: 0,
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
  };
  assert.deepEqual(updateBody(body), {
    BlkioWeight: 0, CpuShares: 512, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '0', CpusetMems: '', Memory: 67108864, MemoryReservation: 0,
    MemorySwap: 0, NanoCpus: 0, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
  });
  assert.deepEqual(updateBody({ RestartPolicy: { Name: '' }, PidsLimit: -1 }), { PidsLimit: -1 });
  assert.throws(() => updateBody({ Memory: '64m' }), /Memory must be a number/);
  assert.throws(() => updateBody({ KernelMemory: 1000 }), /KernelMemory cannot be updated/);
});
