// The real-time and per-device weight files, on a recording directory that answers like the kernel.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CgroupError, type CgroupDir } from '../cgroup-dir';
import { blkio } from './blkio';
import { cpu } from './cpu';

class FakeDir implements CgroupDir {
  writes: [string, string][] = [];
  constructor(readonly path: string, private readonly files: Set<string>, private readonly refuse: (file: string, value: string) => string | undefined = () => undefined) {}
  write(file: string, value: string): void {
    const code = this.refuse(file, value);
    if (code) throw new CgroupError(`failed to write ${value} to ${path.join(this.path, file)}: ${code}`);
    this.writes.push([file, value]);
  }
  read(): string {
    return '';
  }
  has(file: string): boolean {
    return this.files.has(file);
  }
}

test('cpu.rt_period_us goes before cpu.rt_runtime_us; a shorter period the runtime would exceed goes after it', () => {
  const d = new FakeDir('/cg/x', new Set());
  cpu.applyV1(d, { cpu: { realtimePeriod: 500000, realtimeRuntime: 5000 } });
  assert.deepEqual(d.writes, [['cpu.rt_period_us', '500000'], ['cpu.rt_runtime_us', '5000']]);
  let runtimeSet = false;
  const retry = new FakeDir('/cg/x', new Set(), (file) => {
    if (file === 'cpu.rt_runtime_us') runtimeSet = true;
    return file === 'cpu.rt_period_us' && !runtimeSet ? 'EINVAL' : undefined;
  });
  cpu.applyV1(retry, { cpu: { realtimePeriod: 1000, realtimeRuntime: 500 } });
  assert.deepEqual(retry.writes, [['cpu.rt_runtime_us', '500'], ['cpu.rt_period_us', '1000']]);
  assert.equal(cpu.wants({ cpu: { realtimeRuntime: 1 } }), true);
  assert.throws(() => cpu.applyV2(new FakeDir('/cg/x', new Set()), { cpu: { realtimeRuntime: 1 } }), /does not exist on cgroup v2/);
});

test('EINVAL on cpu.rt_runtime_us is explained with the parent\'s budget', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-rt-'));
  try {
    fs.writeFileSync(path.join(parent, 'cpu.rt_runtime_us'), '0\n');
    fs.writeFileSync(path.join(parent, 'cpu.rt_period_us'), '1000000\n');
    const d = new FakeDir(path.join(parent, 'c1'), new Set(), (file) => (file === 'cpu.rt_runtime_us' ? 'EINVAL' : undefined));
    assert.throws(() => cpu.applyV1(d, { cpu: { realtimeRuntime: 5000 } }), (e: Error) =>
      e.message.includes(`the parent cgroup ${parent} has no real-time budget for 5000 µs (it has 0 µs per 1000000 µs`) && !e.message.includes('\n'));
  } finally {
    fs.rmSync(parent, { recursive: true });
  }
});

test('per-device weights: blkio.weight_device beside blkio.weight (CFQ), else BFQ\'s file; none is an error', () => {
  const r = { blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 300 }, { major: 8, minor: 16, weight: 0 }] } };
  const cfq = new FakeDir('/cg/x', new Set(['blkio.weight', 'blkio.weight_device']));
  blkio.applyV1(cfq, r);
  assert.deepEqual(cfq.writes, [['blkio.weight_device', '8:0 300']]);
  const bfq = new FakeDir('/cg/x', new Set(['blkio.bfq.weight', 'blkio.bfq.weight_device']));
  blkio.applyV1(bfq, r);
  assert.deepEqual(bfq.writes, [['blkio.bfq.weight_device', '8:0 300']]);
  assert.throws(() => blkio.applyV1(new FakeDir('/cg/x', new Set()), r), /does not support per-device block I\/O weights/);
  const v2 = new FakeDir('/cg/x', new Set(['io.weight']));
  blkio.applyV2(v2, r);
  assert.deepEqual(v2.writes, [['io.weight', '8:0 300']]);
});

test('BFQ\'s ENOTSUP for a device it does not schedule names the scheduler file', () => {
  const d = new FakeDir('/cg/x', new Set(['blkio.bfq.weight_device']), () => 'ENOTSUP');
  assert.throws(() => blkio.applyV1(d, { blockIO: { weightDevice: [{ major: 7, minor: 2, weight: 300 }] } }),
    /needs the bfq I\/O scheduler on device 7:2 \(\/sys\/dev\/block\/7:2\/queue\/scheduler\)/);
});
