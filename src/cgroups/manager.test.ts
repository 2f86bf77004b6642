// Contract tests: every controller, on cgroup v1, v2 and hybrid layouts, against temp directories
// shaped like cgroupfs: which file is written, with which value.
import { afterEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CgroupManager, type AttachDeviceFilter } from './manager';
import { deviceFilterProgram } from './device-filter';
import type { HostCgroups } from './hierarchy';
import { silentLogger } from '../log/log';
import type { Resources } from '../runtime/spec';
import { sharesToWeight } from './controllers/cpu';

const temps: string[] = [];
afterEach(() => {
  while (temps.length) fs.rmSync(temps.pop()!, { recursive: true, force: true });
});

/** A fake cgroupfs: hierarchies are plain dirs; the root holds the files the kernel would show. */
function fakeHost(kind: 'v1' | 'v2' | 'hybrid'): HostCgroups {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mydocker-test-cgroupfs-'));
  temps.push(root);
  const v1 = ['cpuset', 'cpu', 'cpuacct', 'memory', 'devices', 'freezer', 'blkio', 'pids'];
  const hierarchies: HostCgroups['hierarchies'] = [];
  if (kind !== 'v2') {
    for (const c of v1) {
      const mp = path.join(root, c);
      fs.mkdirSync(mp);
      if (c === 'cpuset') {
        fs.writeFileSync(path.join(mp, 'cpuset.cpus'), '0-3\n');
        fs.writeFileSync(path.join(mp, 'cpuset.mems'), '0\n');
      }
      hierarchies.push({ version: 1, mountpoint: mp, controllers: [c], ownPath: '/' });
    }
  }
  if (kind !== 'v1') {
    const mp = path.join(root, kind === 'v2' ? 'unified-root' : 'unified');
    fs.mkdirSync(mp);
    fs.writeFileSync(path.join(mp, 'cgroup.subtree_control'), '');
    const controllers = kind === 'v2' ? ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids'] : ['hugetlb'];
    hierarchies.push({ version: 2, mountpoint: mp, controllers, ownPath: '/' });
  }
  return { mode: kind, hierarchies };
}

/** Seeds the files the kernel creates in a new cgroup that the controllers probe for. */
function seedKernelFiles(m: CgroupManager) {
  for (const p of m.placements) {
    const add = (f: string, v = '') => fs.existsSync(path.join(p.dir, f)) || fs.writeFileSync(path.join(p.dir, f), v);
    if (p.hierarchy.controllers.includes('memory') && p.hierarchy.version === 1) add('memory.memsw.limit_in_bytes', '9223372036854771712');
    if (p.hierarchy.controllers.includes('blkio')) add('blkio.bfq.weight', '100');
    if (p.hierarchy.version === 2) { add('cgroup.subtree_control'); add('io.weight', 'default 100'); }
  }
  for (const p of m.placements.filter((x) => x.hierarchy.version === 2)) {
    // every ancestor of the container's cgroup has a subtree_control file in real cgroupfs
    let d = path.dirname(p.dir);
    while (d.startsWith(p.hierarchy.mountpoint)) {
      if (!fs.existsSync(path.join(d, 'cgroup.subtree_control'))) fs.writeFileSync(path.join(d, 'cgroup.subtree_control'), '');
      d = path.dirname(d);
    }
  }
}

const all: Resources = {
  memory: { limit: 33554432, swap: 67108864, reservation: 16777216, disableOOMKiller: false },
  cpu: { shares: 512, period: 100000, quota: 50000, cpus: '0', mems: '0' },
  pids: { limit: 20 },
  blockIO: { weight: 300, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] },
  hugepageLimits: [{ pageSize: '2MB', limit: 4194304 }],
  devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }],
};

/** Stands in for bpf(2): records which program went to which cgroup. */
function recordingAttach() {
  const calls: { dir: string; program: Buffer }[] = [];
  const attach: AttachDeviceFilter = (dir, program) => { calls.push({ dir, program }); };
  return { calls, attach };
}

function setup(kind: 'v1' | 'v2' | 'hybrid', resources: Resources, host = fakeHost(kind)) {
  const bpf = recordingAttach();
  const m = new CgroupManager(host, '/mydocker/c1', silentLogger, bpf.attach);
  const created = m.create();
  seedKernelFiles(m);
  m.apply(resources);
  const read = (hier: string, file: string) => {
    const p = m.placements.find((x) => path.basename(x.hierarchy.mountpoint) === hier)!;
    return fs.readFileSync(path.join(p.dir, file), 'utf8');
  };
  return { m, created, read, attached: bpf.calls };
}

test('v1: each controller writes its own hierarchy', () => {
  const { read } = setup('v1', { ...all, hugepageLimits: undefined });
  assert.equal(read('memory', 'memory.limit_in_bytes'), '33554432');
  assert.equal(read('memory', 'memory.memsw.limit_in_bytes'), '67108864');
  assert.equal(read('memory', 'memory.soft_limit_in_bytes'), '16777216');
  assert.equal(read('cpu', 'cpu.shares'), '512');
  assert.equal(read('cpu', 'cpu.cfs_period_us'), '100000');
  assert.equal(read('cpu', 'cpu.cfs_quota_us'), '50000');
  assert.equal(read('cpuset', 'cpuset.cpus'), '0');
  assert.equal(read('cpuset', 'cpuset.mems'), '0');
  assert.equal(read('pids', 'pids.max'), '20');
  assert.equal(read('blkio', 'blkio.bfq.weight'), '300');
  assert.equal(read('blkio', 'blkio.throttle.read_bps_device'), '8:0 1048576');
  // the last device rule wins in a plain file: the kernel appends, our fake overwrites
  assert.equal(read('devices', 'devices.allow'), 'c 1:3 rwm');
  assert.equal(read('devices', 'devices.deny'), 'a');
});

test('v1: a new cpuset cgroup inherits cpus and mems from its parent before anything joins', () => {
  const { read } = setup('v1', {});
  assert.equal(read('cpuset', 'cpuset.cpus'), '0-3');
  assert.equal(read('cpuset', 'cpuset.mems'), '0');
});

test('v1: a parent cpuset cgroup that a parallel start made but did not fill in yet is filled in first', () => {
  const host = fakeHost('v1');
  const cpusetRoot = host.hierarchies.find((h) => h.controllers.includes('cpuset'))!.mountpoint;
  fs.mkdirSync(path.join(cpusetRoot, 'mydocker'));
  for (const f of ['cpuset.cpus', 'cpuset.mems']) fs.writeFileSync(path.join(cpusetRoot, 'mydocker', f), '');
  const m = new CgroupManager(host, '/mydocker/c1', silentLogger);
  const created = m.create();
  assert.ok(!created.includes(path.join(cpusetRoot, 'mydocker')), 'the existing parent is not ours to remove');
  for (const dir of ['mydocker', 'mydocker/c1']) {
    assert.equal(fs.readFileSync(path.join(cpusetRoot, dir, 'cpuset.cpus'), 'utf8'), '0-3');
    assert.equal(fs.readFileSync(path.join(cpusetRoot, dir, 'cpuset.mems'), 'utf8'), '0');
  }
});

test('v2: one unified directory; shares become weight, quota and period one cpu.max line', () => {
  const { read, m } = setup('v2', { ...all, devices: undefined });
  assert.equal(read('unified-root', 'memory.max'), '33554432');
  assert.equal(read('unified-root', 'memory.swap.max'), '33554432'); // memory+swap minus memory
  assert.equal(read('unified-root', 'memory.low'), '16777216');
  assert.equal(read('unified-root', 'cpu.weight'), String(sharesToWeight(512)));
  assert.equal(read('unified-root', 'cpu.max'), '50000 100000');
  assert.equal(read('unified-root', 'cpuset.cpus'), '0');
  assert.equal(read('unified-root', 'pids.max'), '20');
  assert.equal(read('unified-root', 'io.weight'), 'default 300');
  assert.equal(read('unified-root', 'io.max'), '8:0 rbps=1048576');
  assert.equal(read('unified-root', 'hugetlb.2MB.max'), '4194304');
  // controllers are delegated from the root down to the container's parent
  const root = m.placements[0].hierarchy.mountpoint;
  assert.match(fs.readFileSync(path.join(root, 'cgroup.subtree_control'), 'utf8'), /\+hugetlb/);
  assert.match(fs.readFileSync(path.join(root, 'mydocker', 'cgroup.subtree_control'), 'utf8'), /\+hugetlb/);
});

test('v2: unlimited values are "max"', () => {
  const { read } = setup('v2', { memory: { limit: -1, swap: -1 }, pids: { limit: -1 }, cpu: { quota: -1, period: 100000 } });
  assert.equal(read('unified-root', 'memory.max'), 'max');
  assert.equal(read('unified-root', 'memory.swap.max'), 'max');
  assert.equal(read('unified-root', 'pids.max'), 'max');
  assert.equal(read('unified-root', 'cpu.max'), 'max 100000');
});

test('hybrid: v1 controllers on v1, what only cgroup2 holds (hugetlb) on the unified mount', () => {
  const { read } = setup('hybrid', all);
  assert.equal(read('memory', 'memory.limit_in_bytes'), '33554432');
  assert.equal(read('unified', 'hugetlb.2MB.max'), '4194304');
});

test('create records what it made; destroy removes exactly that, innermost first', async () => {
  const host = fakeHost('v1');
  fs.mkdirSync(path.join(host.hierarchies[3].mountpoint, 'mydocker')); // memory: parent pre-exists
  const m = new CgroupManager(host, '/mydocker/c1', silentLogger);
  const created = m.create();
  assert.ok(created.includes(path.join(host.hierarchies[0].mountpoint, 'mydocker')));
  assert.ok(!created.includes(path.join(host.hierarchies[3].mountpoint, 'mydocker')));
  // a real cgroupfs directory has only kernel files; a plain directory must be empty for rmdir
  for (const d of created) for (const f of fs.readdirSync(d)) if (fs.statSync(path.join(d, f)).isFile()) fs.rmSync(path.join(d, f));
  await m.destroy(created);
  for (const p of m.placements) assert.equal(fs.existsSync(p.dir), false);
  assert.equal(fs.existsSync(path.join(host.hierarchies[3].mountpoint, 'mydocker')), true, 'a parent we did not create stays');
});

test('create makes the path again when another engine prunes the shared parent under it', () => {
  const host = fakeHost('v1');
  const pids = host.hierarchies.find((h) => h.controllers.includes('pids'))!.mountpoint;
  const parent = path.join(pids, 'mydocker');
  fs.mkdirSync(parent); // there when create looks (EEXIST) ...
  const nodeFs: typeof fs = require('node:fs');
  const mkdirSync = nodeFs.mkdirSync;
  let pruned = false;
  nodeFs.mkdirSync = ((dir: fs.PathLike, opts?: fs.MakeDirectoryOptions) => {
    // ... and removed, empty, by another engine's delete just before the child is made
    if (!pruned && dir === path.join(parent, 'c1')) { pruned = true; fs.rmdirSync(parent); }
    return mkdirSync(dir, opts);
  }) as typeof nodeFs.mkdirSync;
  try {
    const created = new CgroupManager(host, '/mydocker/c1', silentLogger).create();
    assert.ok(pruned);
    assert.ok(fs.existsSync(path.join(parent, 'c1')));
    assert.ok(created.includes(parent), 'the parent made again is ours to remove');
  } finally {
    nodeFs.mkdirSync = mkdirSync;
  }
});

test('freezer: v1 freezer.state, v2 cgroup.freeze', () => {
  const v1 = setup('v1', {});
  v1.m.setFrozen(true);
  assert.equal(v1.read('freezer', 'freezer.state'), 'FROZEN');
  v1.m.setFrozen(false);
  assert.equal(v1.read('freezer', 'freezer.state'), 'THAWED');
  const v2 = setup('v2', {});
  v2.m.setFrozen(true);
  assert.equal(v2.read('unified-root', 'cgroup.freeze'), '1');
});

test('OOM kills are read from memory.oom_control (v1) and memory.events (v2)', () => {
  const v1 = setup('v1', {});
  const mem = v1.m.placements.find((p) => p.hierarchy.controllers.includes('memory'))!;
  fs.writeFileSync(path.join(mem.dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
  assert.equal(v1.m.oomKilled(), false);
  fs.writeFileSync(path.join(mem.dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
  assert.equal(v1.m.oomKilled(), true);
  const v2 = setup('v2', {});
  fs.writeFileSync(path.join(v2.m.placements[0].dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n');
  assert.equal(v2.m.oomKilled(), true);
});

test('v2: device rules become one eBPF program attached to the container\'s cgroup, no devices files', () => {
  const { m, attached } = setup('v2', { devices: all.devices });
  const dir = m.placements[0].dir;
  assert.deepEqual(attached, [{ dir, program: deviceFilterProgram(all.devices!) }]);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('devices.')), []);
});

test('hybrid without a v1 devices hierarchy: the program goes on the cgroup2 directory', () => {
  const host = fakeHost('hybrid');
  host.hierarchies = host.hierarchies.filter((h) => !h.controllers.includes('devices'));
  const { m, attached } = setup('hybrid', all, host);
  const unified = m.placements.find((p) => p.hierarchy.version === 2)!;
  assert.equal(attached.length, 1);
  assert.equal(attached[0].dir, unified.dir);
});

test('v1 and hybrid with a v1 devices hierarchy: the allow/deny files, no program', () => {
  assert.deepEqual(setup('v1', { devices: all.devices }).attached, []);
  const hybrid = setup('hybrid', all);
  assert.deepEqual(hybrid.attached, []);
  assert.equal(hybrid.read('devices', 'devices.deny'), 'a');
});

test('v2: rules that cannot be enforced are refused before anything is attached; attach failures surface', () => {
  const bpf = recordingAttach();
  const m = new CgroupManager(fakeHost('v2'), '/mydocker/c1', silentLogger, bpf.attach);
  m.create();
  assert.throws(() => m.apply({ devices: [{ allow: true, type: 'c', major: 1, access: 'x' }] }), /invalid device access "x"/);
  assert.deepEqual(bpf.calls, []);
  const failing = new CgroupManager(fakeHost('v2'), '/mydocker/c1', silentLogger, () => { throw new Error('bpf refused'); });
  failing.create();
  assert.throws(() => failing.apply({ devices: all.devices }), /bpf refused/);
});

test('a controller the host lacks is a clear error', () => {
  const host = fakeHost('hybrid');
  host.hierarchies = host.hierarchies.filter((h) => !h.controllers.includes('pids'));
  const m = new CgroupManager(host, '/mydocker/c1', silentLogger);
  m.create();
  assert.throws(() => m.apply({ pids: { limit: 5 } }), /the pids cgroup controller is not available on this host/);
});

test('rootless without delegation: no cgroup at all; device rules are skipped, any limit is refused', async () => {
  const { withoutCgroups } = await import('./hierarchy');
  const host = withoutCgroups({ mode: 'hybrid', hierarchies: [{ version: 1, mountpoint: '/sys/fs/cgroup/memory', controllers: ['memory'], ownPath: '/' }] });
  assert.deepEqual(host.hierarchies, []);
  const m = new CgroupManager(host, '/mydocker/c1', silentLogger);
  assert.deepEqual(m.create(), []);
  m.apply({ devices: [{ allow: false, access: 'rwm' }] });
  assert.throws(() => m.apply({ memory: { limit: 1 << 26 } }), /cannot apply memory limits: rootless mode cannot use cgroups on this hybrid/);
  assert.throws(() => m.setFrozen(true), /cannot freeze: rootless/);
  assert.deepEqual(m.selfJoin().joinFiles, []);
});

test('create makes the path again when the shared cpuset parent is pruned before it is filled in', () => {
  const host = fakeHost('v1');
  const cpuset = host.hierarchies.find((h) => h.controllers.includes('cpuset'))!.mountpoint;
  const parent = path.join(cpuset, 'mydocker');
  fs.mkdirSync(parent); // made by a parallel start, not filled in yet
  const nodeFs: typeof fs = require('node:fs');
  const readFileSync = nodeFs.readFileSync;
  let pruned = false;
  nodeFs.readFileSync = ((file: fs.PathOrFileDescriptor, opts?: unknown) => {
    // another engine's delete removes the empty parent between our mkdir (EEXIST) and reading its cpuset files
    if (!pruned && file === path.join(cpuset, 'cpuset.cpus')) {
      pruned = true;
      fs.rmdirSync(parent);
    }
    return (readFileSync as (f: fs.PathOrFileDescriptor, o?: unknown) => string | Buffer)(file, opts);
  }) as typeof nodeFs.readFileSync;
  try {
    const created = new CgroupManager(host, '/mydocker/c1', silentLogger).create();
    assert.ok(pruned);
    assert.ok(fs.existsSync(path.join(parent, 'c1')));
    assert.ok(created.includes(parent), 'the parent made again is ours to remove');
  } finally {
    nodeFs.readFileSync = readFileSync;
  }
});
