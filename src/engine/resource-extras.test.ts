import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { resourceExtrasFlags, resourceExtrasHostConfig } from './resource-extras';
import { resolveResources, type HostLimits, type ResourceFlags } from './resources';

const host: HostLimits = {
  cpus: [0, 1], mems: [0], hardRlimits: {}, canRaiseRlimits: false, swapAccounting: true,
  memorySwappiness: true, cpuRealtime: true, blkioWeightDevice: true, blockDevice: () => ({ major: 7, minor: 3 }),
};
const r = (flags: Partial<ResourceFlags>, h = host) => resolveResources({ ulimits: [], ...flags }, h);

test('--memory-swappiness: 0..100 kept, -1 is the kernel\'s, others refused; dropped with a warning without the file', () => {
  assert.deepEqual(r({ memorySwappiness: '0' }).resources.memory, { swappiness: 0 });
  assert.deepEqual(r({ memorySwappiness: '60' }).resources.memory, { swappiness: 60 });
  assert.equal(r({ memorySwappiness: '-1' }).resources.memory, undefined);
  for (const v of ['101', '-2', 'x']) assert.throws(() => r({ memorySwappiness: v }), /--memory-swappiness/, v);
  const v2 = r({ memorySwappiness: '10' }, { ...host, memorySwappiness: false });
  assert.equal(v2.resources.memory, undefined);
  assert.match(v2.warnings[0], /Memory swappiness discarded/);
});

test('--cpu-rt-period/--cpu-rt-runtime: runtime ≤ period, not negative, refused where the kernel has no RT groups', () => {
  assert.deepEqual(r({ cpuRtPeriod: '500000', cpuRtRuntime: '5000' }).resources.cpu, { realtimePeriod: 500000, realtimeRuntime: 5000 });
  assert.deepEqual(r({ cpuRtRuntime: '5000' }).resources.cpu, { realtimeRuntime: 5000 });
  assert.throws(() => r({ cpuRtPeriod: '1000', cpuRtRuntime: '5000' }), /cpu-rt-runtime cannot be higher than cpu-rt-period/);
  assert.throws(() => r({ cpuRtRuntime: '-1' }), /cannot be negative/);
  assert.throws(() => r({ cpuRtRuntime: '10' }, { ...host, cpuRealtime: false }), /does not support CPU real-time scheduler/);
});

test('device flags become blockIO entries next to --blkio-weight', () => {
  assert.deepEqual(r({ blkioWeight: '300', deviceReadBps: ['/dev/loop3:1k'] }).resources.blockIO, {
    weight: 300, throttleReadBpsDevice: [{ major: 7, minor: 3, rate: 1024 }],
  });
  const { blockDevice: _, ...noStat } = host;
  assert.throws(() => r({ deviceReadBps: ['/dev/loop3:1k'] }, noStat), /cannot be resolved/);
});

test('the spec\'s fields become flags, and resolved limits show in HostConfig as docker has them', () => {
  const flags = resourceExtrasFlags({
    MemorySwappiness: 20, CpuRealtimePeriod: 1000000, CpuRealtimeRuntime: 0, BlkioDeviceWriteIOps: [{ Path: '/dev/loop3', Rate: 9 }], BlkioWeightDevice: null,
  });
  assert.deepEqual(flags, { memorySwappiness: '20', cpuRtPeriod: '1000000', deviceWriteIops: ['/dev/loop3:9'] });
  assert.deepEqual(resourceExtrasFlags({ MemorySwappiness: -1 }), {});
  const resolved = r(flags);
  assert.deepEqual(resourceExtrasHostConfig({ ulimits: [], ...flags }, resolved.resources), {
    MemorySwappiness: 20, CpuRealtimePeriod: 1000000, CpuRealtimeRuntime: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [{ Path: '/dev/loop3', Rate: 9 }],
  });
  assert.equal(resourceExtrasHostConfig({ ulimits: [] }, {}).MemorySwappiness, null);
});
