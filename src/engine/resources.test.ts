import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatCpuList, parseBytes, parseCpuList, resolveResources, type HostLimits, type ResourceFlags } from './resources';

const host: HostLimits = { cpus: [0, 1], mems: [0], hardRlimits: { nofile: 20000n, nproc: 96365n, core: undefined }, canRaiseRlimits: false, swapAccounting: true };
const r = (flags: Partial<ResourceFlags>, h = host) => resolveResources({ ulimits: [], ...flags }, h);

test('sizes use docker units (binary)', () => {
  assert.equal(parseBytes('32m', '-m'), 32 * 1024 * 1024);
  assert.equal(parseBytes('1g', '-m'), 1024 ** 3);
  assert.equal(parseBytes('512k', '-m'), 512 * 1024);
  assert.equal(parseBytes('100MB', '-m'), 100 * 1024 * 1024);
  assert.equal(parseBytes('1.5g', '-m'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('4096', '-m'), 4096);
  assert.equal(parseBytes('10b', '-m'), 10);
  assert.throws(() => parseBytes('-5m', '--memory'), /invalid value "-5m" for --memory/);
  assert.throws(() => parseBytes('lots', '--memory'), /expected a size/);
});

test('memory: limit, default swap = 2x, explicit swap, -1, reservation, minimum', () => {
  assert.deepEqual(r({ memory: '32m' }).resources.memory, { limit: 33554432, swap: 67108864 });
  assert.deepEqual(r({ memory: '32m' }, { ...host, swapAccounting: false }).resources.memory, { limit: 33554432 });
  assert.equal(r({ memory: '32m', memorySwap: '-1' }).resources.memory!.swap, -1);
  assert.equal(r({ memory: '32m', memorySwap: '100m' }).resources.memory!.swap, 100 * 1024 * 1024);
  assert.equal(r({ memory: '64m', memoryReservation: '16m' }).resources.memory!.reservation, 16 * 1024 * 1024);
  assert.throws(() => r({ memory: '1m' }), /the minimum memory limit allowed is 6MB/);
  assert.throws(() => r({ memory: '32m', memorySwap: '16m' }), /at least the memory limit/);
  assert.throws(() => r({ memorySwap: '1g' }), /always set the memory limit/);
  assert.throws(() => r({ memory: '32m', memoryReservation: '64m' }), /must not exceed the memory limit/);
});

test('cpu: --cpus becomes quota over a 100ms period; period/quota/shares checked', () => {
  assert.deepEqual(r({ cpus: '0.5' }).resources.cpu, { period: 100000, quota: 50000 });
  assert.deepEqual(r({ cpus: '1.5' }).resources.cpu, { period: 100000, quota: 150000 });
  assert.throws(() => r({ cpus: '-1' }), /expected a number of CPUs/);
  assert.throws(() => r({ cpus: '3' }), /from 0.01 to 2.00, as there are only 2 CPUs/);
  assert.throws(() => r({ cpus: '1', cpuQuota: '50000' }), /conflicting options/);
  assert.deepEqual(r({ cpuPeriod: '50000', cpuQuota: '25000', cpuShares: '512' }).resources.cpu, { period: 50000, quota: 25000, shares: 512 });
  assert.throws(() => r({ cpuPeriod: '100' }), /between 1ms/);
  assert.throws(() => r({ cpuQuota: '10' }), /less than 1ms/);
  assert.equal(r({ cpuQuota: '-1' }).resources.cpu!.quota, -1);
  const low = r({ cpuShares: '1' });
  assert.equal(low.resources.cpu!.shares, 2);
  assert.match(low.warnings[0], /minimum allowed cpu-shares is 2/);
});

test('cpuset: lists parsed, checked against the host, normalized', () => {
  assert.deepEqual(parseCpuList('0-2,4,3', 'x'), [0, 1, 2, 3, 4]);
  assert.equal(formatCpuList([0, 1, 2, 4, 6, 7]), '0-2,4,6-7');
  assert.equal(r({ cpusetCpus: '1,0' }).resources.cpu!.cpus, '0-1');
  assert.throws(() => r({ cpusetCpus: '0-3' }), /requested CPUs are not available - requested 2-3, available: 0-1/);
  assert.throws(() => r({ cpusetMems: '1' }), /requested memory nodes are not available/);
  assert.throws(() => r({ cpusetCpus: 'a' }), /expected a list/);
});

test('pids, blkio weight, cgroup parent, oom-kill-disable', () => {
  assert.deepEqual(r({ pidsLimit: '100' }).resources.pids, { limit: 100 });
  assert.deepEqual(r({ pidsLimit: '-1' }).resources.pids, { limit: -1 });
  assert.throws(() => r({ pidsLimit: 'x' }), /expected an integer/);
  assert.deepEqual(r({ blkioWeight: '500' }).resources.blockIO, { weight: 500 });
  assert.throws(() => r({ blkioWeight: '5' }), /from 10 to 1000/);
  assert.equal(r({}).cgroupParent, '/mydocker');
  assert.equal(r({ cgroupParent: 'team/a' }).cgroupParent, '/team/a');
  assert.equal(r({ cgroupParent: '/x/' }).cgroupParent, '/x');
  assert.throws(() => r({ cgroupParent: '../escape' }), /--cgroup-parent/);
  const o = r({ oomKillDisable: true });
  assert.equal(o.resources.memory!.disableOOMKiller, true);
  assert.match(o.warnings[0], /may be dangerous/);
});

test('ulimits: soft[:hard], unlimited, soft <= hard, the host hard limit without CAP_SYS_RESOURCE', () => {
  assert.deepEqual(r({ ulimits: ['nofile=1024:2048'] }).rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }]);
  assert.deepEqual(r({ ulimits: ['core=unlimited'] }).rlimits[0].type, 'RLIMIT_CORE');
  assert.throws(() => r({ ulimits: ['nofile=2048:1024'] }), /soft limit must not exceed the hard limit/);
  assert.throws(() => r({ ulimits: ['nofile=30000'] }), /above this host's 20000, and raising it needs CAP_SYS_RESOURCE/);
  assert.equal(r({ ulimits: ['nofile=30000'] }, { ...host, canRaiseRlimits: true }).rlimits[0].hard, 30000);
  assert.throws(() => r({ ulimits: ['bogus=1'] }), /unknown ulimit type bogus/);
  assert.throws(() => r({ ulimits: ['nofile'] }), /expected <type>=<soft limit>/);
  assert.throws(() => r({ ulimits: ['nofile=1', 'nofile=2'] }), /given twice/);
});

test('without usable cgroups (rootless) every limit is refused, naming what was asked; rlimits still apply', () => {
  const why = 'rootless mode cannot use cgroups on this hybrid (v1 + v2) host: only cgroup v2 can be delegated to a user';
  const rl = { ...host, noCgroups: why };
  assert.throws(() => r({ memory: '64m' }, rl), (e: unknown) => e instanceof Error && e.message === `cannot set memory limits: ${why}`);
  assert.throws(() => r({ cpus: '0.5', pidsLimit: '10' }, rl), /cannot set CPU limits, pids limits: rootless/);
  assert.throws(() => r({ cgroupParent: 'x' }, rl), /cannot set --cgroup-parent/);
  assert.deepEqual(r({ ulimits: ['nofile=100:200'] }, rl).resources, {});
});
