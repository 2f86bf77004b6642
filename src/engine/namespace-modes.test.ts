import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyNamespaceModes, DEFAULT_SHM_SIZE, namespaceHostConfig, parseNamespaceMode, validateNamespaceFlags } from './namespace-modes';
import type { Spec } from '../runtime/spec';

const base = (): Spec => ({
  ociVersion: '1.0.2',
  process: { user: { uid: 0, gid: 0 }, cwd: '/', args: ['sleep', '1'] },
  root: { path: 'rootfs' },
  hostname: 'abc',
  domainname: 'example.org',
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/sbin', type: 'bind', source: '/vol' },
  ],
  linux: { namespaces: ['pid', 'ipc', 'uts', 'mount', 'cgroup', 'network'].map((type) => ({ type: type as 'pid' })) },
});

test('modes: docker\'s words per flag, container:NAME, anything else refused naming the flag', () => {
  assert.deepEqual(parseNamespaceMode('pid', undefined), { mode: 'private' });
  assert.deepEqual(parseNamespaceMode('pid', 'host'), { mode: 'host' });
  assert.deepEqual(parseNamespaceMode('ipc', 'container:db'), { mode: 'container', container: 'db' });
  assert.deepEqual(parseNamespaceMode('ipc', 'shareable'), { mode: 'shareable' });
  assert.deepEqual(parseNamespaceMode('cgroupns', 'host'), { mode: 'host' });
  assert.throws(() => parseNamespaceMode('pid', 'bogus'), /invalid value "bogus" for --pid: invalid PID mode/);
  assert.throws(() => parseNamespaceMode('pid', 'shareable'), /--pid/);
  assert.throws(() => parseNamespaceMode('uts', 'container:'), /--uts/);
  assert.throws(() => parseNamespaceMode('cgroupns', 'container:x'), /--cgroupns: invalid cgroup mode/);
  assert.throws(() => parseNamespaceMode('ipc', 'container'), /--ipc/);
});

test('conflicts docker refuses: --uts host with --hostname/--domainname, host pid/ipc with an own user namespace, negative shm', () => {
  const ctx = { ownUserns: false };
  assert.throws(() => validateNamespaceFlags({ uts: 'host' }, { ...ctx, hostname: 'x' }), /conflicting options: hostname and the UTS mode/);
  assert.throws(() => validateNamespaceFlags({ uts: 'host' }, { ...ctx, domainname: 'x.org' }), /domainname and the UTS mode/);
  assert.throws(() => validateNamespaceFlags({ pid: 'host' }, { ownUserns: true }), /--pid host and a user namespace/);
  assert.throws(() => validateNamespaceFlags({ shmSize: -1 }, ctx), /can not be less than 0/);
  assert.doesNotThrow(() => validateNamespaceFlags({ uts: 'host', pid: 'host', ipc: 'none', cgroupns: 'host', shmSize: 1 }, ctx));
});

test('record: docker\'s defaults (ipc private, cgroupns private, 64 MiB, Init null)', () => {
  assert.deepEqual(namespaceHostConfig({}), { Init: null, PidMode: '', IpcMode: 'private', UTSMode: '', CgroupnsMode: 'private', ShmSize: DEFAULT_SHM_SIZE });
  assert.equal(namespaceHostConfig({ init: true, shmSize: 1024 }).Init, true);
});

test('spec: host namespaces left out, container:X joined by path, names dropped with a shared UTS', () => {
  const s = applyNamespaceModes(base(), { PidMode: 'host', UTSMode: 'container:x', IpcMode: 'container:y', CgroupnsMode: 'host' }, {
    joins: { uts: '/proc/7/ns/uts', ipc: '/proc/8/ns/ipc' }, shmSource: '/c/y/shm',
  });
  const ns = s.linux!.namespaces!;
  assert.ok(!ns.some((n) => n.type === 'pid' || n.type === 'cgroup'));
  assert.deepEqual(ns.find((n) => n.type === 'uts'), { type: 'uts', path: '/proc/7/ns/uts' });
  assert.deepEqual(ns.find((n) => n.type === 'ipc'), { type: 'ipc', path: '/proc/8/ns/ipc' });
  assert.equal(s.hostname, undefined);
  assert.equal(s.domainname, undefined);
  const shm = s.mounts!.find((m) => m.destination === '/dev/shm')!;
  assert.equal(shm.type, 'bind');
  assert.equal(shm.source, '/c/y/shm');
  assert.throws(() => applyNamespaceModes(base(), { PidMode: 'container:x' }, { joins: {} }), /not resolved/);
});

test('spec: --shm-size sizes the tmpfs, --ipc none leaves /dev/shm out', () => {
  const sized = applyNamespaceModes(base(), { ShmSize: 1048576 }, { joins: {} }).mounts!.find((m) => m.destination === '/dev/shm')!;
  assert.deepEqual(sized.options!.filter((o) => o.startsWith('size=')), ['size=1048576']);
  assert.ok(!applyNamespaceModes(base(), { IpcMode: 'none' }, { joins: {} }).mounts!.some((m) => m.destination === '/dev/shm'));
});

test('spec: --init bound read-only at /sbin/docker-init after a parent mount, and put before the command', () => {
  const s = applyNamespaceModes(base(), { Init: true }, { joins: {}, initBinary: '/usr/bin/tini-static' });
  assert.deepEqual(s.process!.args, ['/sbin/docker-init', '--', 'sleep', '1']);
  const dests = s.mounts!.map((m) => m.destination);
  assert.ok(dests.indexOf('/sbin') < dests.indexOf('/sbin/docker-init'));
  const init = s.mounts!.find((m) => m.destination === '/sbin/docker-init')!;
  assert.equal(init.source, '/usr/bin/tini-static');
  assert.ok(init.options!.includes('ro'));
  assert.deepEqual(applyNamespaceModes(base(), {}, { joins: {}, initBinary: '/x' }).process!.args, ['sleep', '1']);
});
