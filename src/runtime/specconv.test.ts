import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { capsMask, parseMountOptions, specToPlan, type HostFacts } from './specconv';
import { CLONE, MS } from '../sys/linux-constants';
import type { Spec } from './spec';

const host: HostFacts = {
  cgroupHierarchies: [
    { dirName: 'memory', options: 'memory', version: 1 },
    { dirName: 'systemd', options: 'none,name=systemd', version: 1 },
    { dirName: 'unified', options: '', version: 2 },
  ],
  cgroupUnifiedOnly: false,
  sourceKind: (p) => (p.endsWith('.conf') || p.endsWith('hosts') ? 'file' : p.startsWith('/missing') ? 'missing' : 'dir'),
  hasProcKcore: true,
};

function spec(over: Partial<Spec> = {}): Spec {
  return {
    ociVersion: '1.0.2',
    process: { user: { uid: 0, gid: 0 }, args: ['sh'], cwd: '/', env: ['PATH=/bin'] },
    root: { path: 'rootfs' },
    hostname: 'box',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'network' }, { type: 'cgroup' }] },
    ...over,
  };
}
const opts = { bundleDir: '/b', detach: false, stdinRelay: false, log: false };

test('namespaces become clone flags; the cgroup namespace is unshared later', () => {
  const plan = specToPlan(spec(), opts, host);
  assert.equal(plan.nsCreate, CLONE.NEWPID | CLONE.NEWNS | CLONE.NEWUTS | CLONE.NEWNET);
  assert.equal(plan.cgroupnsLate, true);
  assert.equal(plan.loopbackUp, true);
  assert.equal(plan.rootfs, '/b/rootfs');
  assert.equal(plan.rootPropagation, MS.REC | MS.PRIVATE);
});

test('namespace paths are joined, not created', () => {
  const plan = specToPlan(spec({ linux: { namespaces: [{ type: 'mount' }, { type: 'uts' }, { type: 'network', path: '/proc/9/ns/net' }] } }), opts, host);
  assert.deepEqual(plan.nsJoin, [{ type: CLONE.NEWNET, path: '/proc/9/ns/net' }]);
  assert.equal(plan.loopbackUp, false);
});

test('mount options split into flags, propagation and data', () => {
  assert.deepEqual(parseMountOptions(['nosuid', 'ro', 'mode=755', 'rslave', 'size=1k']), {
    flags: MS.NOSUID | MS.RDONLY, propagation: MS.SLAVE | MS.REC, data: ['mode=755', 'size=1k'],
  });
  assert.equal(parseMountOptions(['ro', 'rw']).flags, 0);
  assert.equal(parseMountOptions(['rbind']).flags, MS.BIND | MS.REC);
});

test('bind mounts resolve relative sources against the bundle and know files from dirs', () => {
  const plan = specToPlan(spec({ mounts: [
    { destination: '/etc/hosts', type: 'bind', source: '/c/hosts', options: ['rbind', 'ro'] },
    { destination: 'data', type: 'none', source: 'vol', options: ['bind'] },
  ] }), opts, host);
  assert.deepEqual(plan.mounts[0], { src: '/c/hosts', dst: '/etc/hosts', flags: MS.BIND | MS.REC | MS.RDONLY, propagation: 0, bind: true, mkfile: true });
  assert.equal(plan.mounts[1].src, '/b/vol');
  assert.equal(plan.mounts[1].dst, '/data');
  assert.equal(plan.mounts[1].mkfile, false);
  assert.throws(() => specToPlan(spec({ mounts: [{ destination: '/x', type: 'bind', source: '/missing/x' }] }), opts, host), /does not exist/);
});

test('a cgroup mount takes the host layout: tmpfs, each v1 hierarchy (not a hybrid host\'s cgroup2, as runc), then a read-only remount', () => {
  const plan = specToPlan(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid'] }] }), opts, host);
  assert.deepEqual(plan.mounts.map((m) => [m.dst, m.fstype, m.data ?? '']), [
    ['/sys/fs/cgroup', 'tmpfs', 'mode=755'],
    ['/sys/fs/cgroup/memory', 'cgroup', 'memory'],
    ['/sys/fs/cgroup/systemd', 'cgroup', 'none,name=systemd'],
    ['/sys/fs/cgroup', 'tmpfs', 'mode=755'],
  ]);
  assert.ok(plan.mounts[3].flags & MS.REMOUNT && plan.mounts[3].flags & MS.RDONLY);
  const v2 = specToPlan(spec({ mounts: [{ destination: '/sys/fs/cgroup', type: 'cgroup' }] }), opts, { ...host, cgroupUnifiedOnly: true });
  assert.deepEqual(v2.mounts.map((m) => m.fstype), ['cgroup2']);
});

test('default devices and /dev symlinks are always provided', () => {
  const plan = specToPlan(spec({ mounts: [{ destination: '/dev/pts', type: 'devpts' }] }), opts, host);
  assert.deepEqual(plan.devices.map((d) => d.path), ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
  assert.ok(plan.symlinks.some((l) => l.link === '/dev/ptmx' && l.target === 'pts/ptmx'));
  assert.ok(plan.symlinks.some((l) => l.link === '/dev/fd'));
});

test('capabilities become masks; an ambient one stays only if permitted and inheritable (as runc ends up)', () => {
  assert.equal(capsMask(['CAP_CHOWN', 'CAP_KILL']), (1n << 0n) | (1n << 5n));
  assert.throws(() => capsMask(['CAP_NOPE']), /unknown capability/);
  const proc = (caps: object) => ({ process: { user: { uid: 0, gid: 0 }, args: ['x'], cwd: '/', capabilities: caps } });
  const dropped = specToPlan(spec(proc({ permitted: ['CAP_KILL'], ambient: ['CAP_KILL'] })), opts, host);
  assert.equal(dropped.caps!.inheritable, 0n);
  assert.equal(dropped.caps!.ambient, 0n);
  const kept = specToPlan(spec(proc({ permitted: ['CAP_KILL'], inheritable: ['CAP_KILL'], ambient: ['CAP_KILL', 'CAP_CHOWN'] })), opts, host);
  assert.equal(kept.caps!.ambient, 1n << 5n);
});

test('rlimits: names to numbers, huge values mean unlimited', () => {
  const plan = specToPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: ['x'], cwd: '/', rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 18446744073709551615 }] } }), opts, host);
  assert.deepEqual(plan.rlimits, [{ resource: 7, soft: 1024n, hard: 0xffffffffffffffffn }]);
});

test('bad specs fail with one clear line', () => {
  assert.throws(() => specToPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: [], cwd: '/' } }), opts, host), /process.args must not be empty/);
  assert.throws(() => specToPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: ['x'], cwd: 'rel' } }), opts, host), /cwd must be absolute/);
  assert.throws(() => specToPlan(spec({ linux: { namespaces: [{ type: 'pid' }] } }), opts, host), /mount namespace is required/);
  assert.throws(() => specToPlan(spec({ linux: { namespaces: [{ type: 'mount' }] } }), opts, host), /new uts namespace/);
});

test('what the runtime does not apply is refused by name, not ignored', () => {
  assert.throws(() => specToPlan(spec({ linux: { personality: { domain: 'LINUX32' } } }), opts, host), /linux\.personality/);
  assert.throws(() => specToPlan(spec({ linux: { resources: { unified: { 'memory.high': '1G' } } } }), opts, host), /linux\.resources\.unified/);
  assert.throws(() => specToPlan(spec({ process: { user: { uid: 0, gid: 0 }, args: ['x'], cwd: '/', apparmorProfile: 'docker-default' } }), opts, host), /apparmorProfile/);
  assert.doesNotThrow(() => specToPlan(spec({ linux: { ...spec().linux, resources: { unified: {} } } }), opts, host));
});
