import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildSpec, DEFAULT_CAPABILITIES } from './oci-spec';
import { buildContainerConfig, defaultRunOptions } from './container-config';

function spec(user = { uid: 0, gid: 0, additionalGids: [] as number[], home: '/root' }, network = 'none') {
  const { config, hostConfig, argv } = buildContainerConfig(
    defaultRunOptions({ image: 'busybox', command: ['sh'], interactive: true, tty: true, rm: true, network }),
    { ref: 'busybox', config: { Env: ['PATH=/bin'] } }, 'abc', []);
  return buildSpec({ config, hostConfig, argv, user, rootfs: '/c/rootfs', etcFiles: { hostname: '/c/hostname', hosts: '/c/hosts', resolvConf: '/c/resolv.conf' }, cgroupsPath: '/mydocker/x' });
}

test('docker defaults: namespaces, terminal, mounts, masked paths, capabilities', () => {
  const s = spec();
  assert.deepEqual(s.linux!.namespaces!.map((n) => n.type).sort(), ['cgroup', 'ipc', 'mount', 'network', 'pid', 'uts']);
  assert.equal(s.process!.terminal, true);
  assert.equal(s.hostname, 'abc');
  assert.deepEqual(s.process!.capabilities!.effective, DEFAULT_CAPABILITIES);
  const dests = s.mounts!.map((m) => m.destination);
  for (const d of ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']) assert.ok(dests.includes(d), d);
  assert.ok(s.mounts!.find((m) => m.destination === '/sys')!.options!.includes('ro'));
  assert.ok(s.linux!.maskedPaths!.includes('/proc/kcore'));
  assert.ok(s.process!.env!.includes('HOME=/root'));
  assert.equal(s.linux!.cgroupsPath, '/mydocker/x');
});

test('a non-root user keeps the bounding set but no effective capabilities', () => {
  const s = spec({ uid: 1000, gid: 1000, additionalGids: [10], home: '/home/u' });
  assert.deepEqual(s.process!.capabilities!.effective, []);
  assert.deepEqual(s.process!.capabilities!.bounding, DEFAULT_CAPABILITIES);
  assert.deepEqual(s.process!.user, { uid: 1000, gid: 1000, additionalGids: [10] });
});

test('--network host shares the host network namespace', () => {
  assert.ok(!spec(undefined, 'host').linux!.namespaces!.some((n) => n.type === 'network'));
});
