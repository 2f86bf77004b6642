import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { HostConfig } from '../container-config';
import type { ResolvedResources } from '../resources';
import { mergeUpdate, type ContainerUpdate } from './update';

const MiB = 1024 * 1024;
const hc = (over: Partial<HostConfig> = {}): HostConfig => ({
  Memory: 0, MemorySwap: 0, MemoryReservation: 0, NanoCpus: 0, CpuShares: 0, CpuPeriod: 0, CpuQuota: 0, CpusetCpus: '', CpusetMems: '',
  PidsLimit: null, BlkioWeight: 0, OomKillDisable: false, ...over,
}) as HostConfig;
const limits = (swap?: number): ResolvedResources => ({ resources: swap === undefined ? {} : { memory: { swap } }, rlimits: [], cgroupParent: '/mydocker', warnings: [] });

test('zero, empty and null fields leave the setting as it is; given ones replace it (docker\'s update rule)', () => {
  const cases: [Partial<HostConfig>, ContainerUpdate, Partial<HostConfig>][] = [
    [{ CpuShares: 512 }, { CpuShares: 0, CpusetCpus: '', PidsLimit: null }, { CpuShares: 512, CpusetCpus: '', PidsLimit: null }],
    [{ CpuShares: 512 }, { CpuShares: 300, CpusetCpus: '0' }, { CpuShares: 300, CpusetCpus: '0' }],
    [{ PidsLimit: 20 }, { PidsLimit: -1 }, { PidsLimit: -1 }],
    [{ PidsLimit: 20 }, { PidsLimit: 0 }, { PidsLimit: -1 }],
    [{ NanoCpus: 1e9 }, { NanoCpus: 5e8 }, { NanoCpus: 5e8 }],
    [{ CpuPeriod: 100000, CpuQuota: 50000 }, { CpuQuota: 20000 }, { CpuPeriod: 100000, CpuQuota: 20000 }],
    [{ BlkioWeight: 500 }, { BlkioWeight: 300 }, { BlkioWeight: 300 }],
  ];
  for (const [current, update, want] of cases) {
    const merged = mergeUpdate(hc(current), limits(), update);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(merged[k as keyof typeof merged], v, `${JSON.stringify(update)}: ${k}`);
  }
});

test('memory: the swap in force is kept, a limit above it needs --memory-swap too', () => {
  // created with -m 64m: the default swap (2x) is in the limits, not in HostConfig.MemorySwap
  const created = hc({ Memory: 64 * MiB });
  assert.equal(mergeUpdate(created, limits(128 * MiB), { Memory: 96 * MiB }).MemorySwap, 128 * MiB);
  assert.throws(() => mergeUpdate(created, limits(128 * MiB), { Memory: 256 * MiB }), /must not exceed the memory\+swap limit in force \(134217728\)/);
  assert.equal(mergeUpdate(created, limits(128 * MiB), { Memory: 256 * MiB, MemorySwap: 512 * MiB }).MemorySwap, 512 * MiB);
  assert.equal(mergeUpdate(created, limits(-1), { Memory: 256 * MiB }).MemorySwap, -1, 'unlimited swap stays unlimited');
  // no memory limit before: nothing to keep, the engine's default applies
  assert.equal(mergeUpdate(hc(), limits(), { Memory: 32 * MiB }).MemorySwap, 0);
  assert.equal(mergeUpdate(hc(), limits(), { CpuShares: 4 }).MemorySwap, 0);
});

test('--cpus and --cpu-period/--cpu-quota exclude each other across updates', () => {
  assert.throws(() => mergeUpdate(hc({ CpuPeriod: 100000 }), limits(), { NanoCpus: 1e9 }), /--cpus cannot be updated as --cpu-period has already been set/);
  assert.throws(() => mergeUpdate(hc({ CpuQuota: 50000 }), limits(), { NanoCpus: 1e9 }), /--cpu-quota has already been set/);
  assert.throws(() => mergeUpdate(hc({ NanoCpus: 1e9 }), limits(), { CpuPeriod: 50000 }), /--cpu-period cannot be updated as --cpus/);
  assert.throws(() => mergeUpdate(hc({ NanoCpus: 1e9 }), limits(), { CpuQuota: 50000 }), /--cpu-quota cannot be updated as --cpus/);
});

test('settings update does not change are carried over, so the new limits are complete', () => {
  const current = hc({ OomKillDisable: true, MemorySwappiness: 10, CpuRealtimeRuntime: 5000, BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1 }] });
  const m = mergeUpdate(current, limits(), { CpuShares: 100 });
  assert.deepEqual([m.OomKillDisable, m.MemorySwappiness, m.CpuRealtimeRuntime, m.BlkioDeviceReadBps], [true, 10, 5000, [{ Path: '/dev/sda', Rate: 1 }]]);
});
