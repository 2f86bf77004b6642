import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from './argv';
import { RUN_OPTIONS, toContainerSpec } from './run-options';
import { specToRunOptions } from '../engine/container-spec';
import { extraHostConfig, validateExtras } from '../engine/host-extras';
import { defaultRunOptions } from '../engine/container-config';

const spec = (argv: string[]) => toContainerSpec(parseArgs(argv, RUN_OPTIONS, { stopAtPositional: true, command: 'run' }));

test('flags → docker\'s create body → RunOptions → the record\'s HostConfig', () => {
  const s = spec([
    '--init', '--pid', 'host', '--ipc', 'shareable', '--uts', 'container:a', '--cgroupns', 'host', '--shm-size', '1m', '--volumes-from', 'a:ro',
    '--link', 'db:data', '--domainname', 'example.org', '--dns-option', 'ndots:2', '--dns-option', 'timeout:1', '--mac-address', '02:42:ac:11:00:09',
    '--annotation', 'com.example/x=y', '--annotation', 'flag', 'busybox', 'true',
  ]);
  assert.deepEqual(
    [s.hostConfig!.Init, s.hostConfig!.PidMode, s.hostConfig!.IpcMode, s.hostConfig!.UTSMode, s.hostConfig!.CgroupnsMode, s.hostConfig!.ShmSize],
    [true, 'host', 'shareable', 'container:a', 'host', 1048576],
  );
  assert.equal(s.config.Domainname, 'example.org');
  assert.equal(s.config.MacAddress, '02:42:ac:11:00:09');
  const o = specToRunOptions(s);
  assert.equal(o.init, true);
  assert.equal(o.shmSize, 1048576);
  assert.deepEqual(o.volumesFrom, ['a:ro']);
  assert.deepEqual(o.links, ['db:data']);
  assert.deepEqual(o.dnsOptions, ['ndots:2', 'timeout:1']);
  assert.equal(o.macAddress, '02:42:ac:11:00:09');
  assert.deepEqual(o.annotations, { 'com.example/x': 'y', flag: '' });
  const hc = extraHostConfig(o);
  assert.deepEqual([hc.Init, hc.PidMode, hc.IpcMode, hc.UTSMode, hc.CgroupnsMode, hc.ShmSize], [true, 'host', 'shareable', 'container:a', 'host', 1048576]);
  assert.deepEqual(hc.DnsOptions, ['ndots:2', 'timeout:1']);
  assert.deepEqual(hc.Annotations, { 'com.example/x': 'y', flag: '' });
});

test('nothing given: docker\'s defaults in the record', () => {
  const o = specToRunOptions(spec(['busybox']));
  assert.deepEqual(extraHostConfig(o), { Init: null, PidMode: '', IpcMode: 'private', UTSMode: '', CgroupnsMode: 'private', ShmSize: 67108864, VolumesFrom: null, Links: null, DnsOptions: [] });
});

test('bad input: the flag\'s own one-line error', () => {
  assert.throws(() => spec(['--shm-size', 'lots', 'busybox']), /--shm-size/);
  assert.throws(() => spec(['--annotation', '=x', 'busybox']), /--annotation: the key is empty/);
  const check = (over: Parameters<typeof defaultRunOptions>[0]) => () => validateExtras(defaultRunOptions({ image: 'busybox', ...over }));
  assert.throws(check({ pid: 'nope' }), /invalid value "nope" for --pid/);
  assert.throws(check({ uts: 'host', hostname: 'h' }), /conflicting options: hostname and the UTS mode/);
  assert.throws(check({ domainname: 'bad_domain!' }), /--domainname/);
  assert.throws(check({ dnsOptions: ['a b'] }), /--dns-option/);
  assert.throws(check({ volumesFrom: ['a:rx'] }), /--volumes-from/);
  assert.doesNotThrow(check({ uts: 'host', pid: 'host', ipc: 'host', cgroupns: 'host' }));
  assert.doesNotThrow(check({ domainname: 'example.org', dnsOptions: ['ndots:2', 'edns0'] }));
});
