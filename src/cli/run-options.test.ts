import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from './argv';
import { RUN_OPTIONS, toContainerSpec } from './run-options';
import { specToRunOptions } from '../engine/container-spec';

const spec = (argv: string[]) => toContainerSpec(parseArgs(argv, RUN_OPTIONS, { stopAtPositional: true, command: 'run' }));

test('the book\'s run -ti /bin/sh: no image, the path is the command, attached with stdin', () => {
  const s = spec(['-ti', '/bin/sh']);
  assert.equal(s.config.Image, undefined);
  assert.deepEqual(s.config.Cmd, ['/bin/sh']);
  assert.equal(s.config.Tty, true);
  assert.equal(s.config.AttachStdin, true);
  assert.equal(s.config.StdinOnce, true);
  const o = specToRunOptions(s);
  assert.equal(o.image, undefined);
  assert.equal(o.detach, false);
  assert.equal(o.interactive, true);
});

test('-d attaches nothing; --rm is AutoRemove; the default network is docker\'s "default"', () => {
  const s = spec(['-d', '-i', '--rm', 'busybox', 'sleep', '9']);
  assert.equal(s.config.AttachStdin, false);
  assert.equal(s.config.AttachStdout, false);
  assert.equal(s.config.OpenStdin, true);
  assert.equal(s.hostConfig?.AutoRemove, true);
  assert.equal(s.hostConfig?.NetworkMode, 'default');
  const o = specToRunOptions(s);
  assert.equal(o.detach, true);
  assert.equal(o.network, 'bridge');
  assert.deepEqual(o.command, ['sleep', '9']);
});

test('sizes travel in bytes and CPUs in nano-CPUs, and come back as the engine\'s texts', () => {
  const s = spec(['-m', '512m', '--memory-swap', '-1', '--cpus', '0.0000001', '--pids-limit', '-1', 'busybox']);
  assert.equal(s.hostConfig?.Memory, 512 * 1024 * 1024);
  assert.equal(s.hostConfig?.MemorySwap, -1);
  assert.equal(s.hostConfig?.NanoCpus, 100);
  const r = specToRunOptions(s).resources;
  assert.equal(r.memory, String(512 * 1024 * 1024));
  assert.equal(r.memorySwap, '-1');
  assert.equal(r.cpus, '0.0000001');
  assert.equal(r.pidsLimit, '-1');
});

test('syntax errors are the flag\'s own, before anything reaches the engine', () => {
  assert.throws(() => spec(['-m', '-5m', 'busybox']), /invalid value "-5m" for --memory/);
  assert.throws(() => spec(['--cpus', '-1', 'busybox']), /invalid value "-1" for --cpus/);
  assert.throws(() => spec(['--pids-limit', 'lots', 'busybox']), /invalid value "lots" for --pids-limit/);
  assert.throws(() => spec(['--sysctl', 'novalue', 'busybox']), /expected key=value/);
  assert.throws(() => spec(['-p', '99999:80', 'busybox']), /for -p\/--publish/);
  assert.throws(() => spec(['--mount', 'type=bind,target=/x', 'busybox']), /field Source must not be empty/);
  assert.throws(() => spec(['--restart', 'sometimes', 'busybox']), /invalid restart policy/);
  assert.throws(() => spec(['--security-opt', 'seccomp=/nonexistent.json', 'busybox']), /opening seccomp profile \(\/nonexistent.json\) failed/);
});

test('ports: -p fills PortBindings and ExposedPorts; a range maps port by port and survives the round trip', () => {
  const s = spec(['-p', '127.0.0.1:8080-8081:80-81', '-p', '53/udp', '--expose', '9000', 'busybox']);
  assert.deepEqual(s.hostConfig?.PortBindings, {
    '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }],
    '53/udp': [{ HostIp: '', HostPort: '' }],
  });
  assert.deepEqual(Object.keys(s.config.ExposedPorts ?? {}).sort(), ['53/udp', '80/tcp', '81/tcp', '9000/tcp']);
  assert.deepEqual(specToRunOptions(s).publish.sort(), ['127.0.0.1:8080:80/tcp', '127.0.0.1:8081:81/tcp', '53/udp']);
});

test('mounts: -v with a colon is a Bind, without one an anonymous Volume; --mount and --tmpfs are structured', () => {
  const s = spec(['-v', '/srv:/data:ro', '-v', '/cache', '--mount', 'type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=700',
    '--mount', 'type=volume,source=v1,target=/v,volume-nocopy', '--tmpfs', '/run:size=1m', 'busybox']);
  assert.deepEqual(s.hostConfig?.Binds, ['/srv:/data:ro']);
  assert.deepEqual(Object.keys(s.config.Volumes ?? {}), ['/cache']);
  assert.deepEqual(s.hostConfig?.Mounts?.[0], { Type: 'tmpfs', Target: '/t', ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o700 } });
  assert.equal(s.hostConfig?.Mounts?.[1].VolumeOptions?.NoCopy, true);
  assert.deepEqual(s.hostConfig?.Tmpfs, { '/run': 'size=1m' });
  const o = specToRunOptions(s);
  assert.deepEqual(o.volumes, ['/srv:/data:ro', '/cache']);
  assert.deepEqual(o.mounts, ['type=tmpfs,target=/t,tmpfs-size=67108864,tmpfs-mode=700', 'type=volume,target=/v,source=v1,volume-nocopy']);
  assert.deepEqual(o.tmpfs, ['/run:size=1m']);
});

test('entrypoint: --entrypoint X is the whole entrypoint, --entrypoint "" clears the image\'s', () => {
  assert.deepEqual(specToRunOptions(spec(['--entrypoint', '/bin/env', 'busybox'])).entrypointArgs, ['/bin/env']);
  const cleared = specToRunOptions(spec(['--entrypoint', '', 'busybox']));
  assert.equal(cleared.entrypoint, '');
  assert.equal(cleared.entrypointArgs, undefined);
  assert.deepEqual(specToRunOptions(spec(['busybox'])).entrypointArgs, undefined);
});

test('security flags: devices, sysctls and ulimits structured; uid/gid maps carried', () => {
  const s = spec(['--device', '/dev/zero:/dev/z:r', '--sysctl', 'net.ipv4.ip_forward=1', '--ulimit', 'nofile=1024:2048',
    '--ulimit', 'core=unlimited', '--uidmap', '0:100000:65536', '--gidmap', '0:100000:65536', 'busybox']);
  assert.deepEqual(s.hostConfig?.Devices, [{ PathOnHost: '/dev/zero', PathInContainer: '/dev/z', CgroupPermissions: 'r' }]);
  assert.deepEqual(s.hostConfig?.Sysctls, { 'net.ipv4.ip_forward': '1' });
  assert.deepEqual(s.hostConfig?.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'core', Soft: -1, Hard: -1 }]);
  const o = specToRunOptions(s);
  assert.deepEqual(o.security.devices, ['/dev/zero:/dev/z:r']);
  assert.deepEqual(o.security.uidmaps, ['0:100000:65536']);
  assert.deepEqual(o.resources.ulimits, ['nofile=1024:2048', 'core=-1:-1']);
});

test('--network-alias and --ip go to the endpoint of the network asked for', () => {
  const s = spec(['--network', 'net1', '--network-alias', 'db', '--ip', '10.9.0.5', 'busybox']);
  assert.deepEqual(s.networkingConfig?.EndpointsConfig?.net1, { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.9.0.5' } });
  const o = specToRunOptions(s);
  assert.equal(o.network, 'net1');
  assert.deepEqual(o.networkAliases, ['db']);
  assert.equal(o.ip, '10.9.0.5');
});
