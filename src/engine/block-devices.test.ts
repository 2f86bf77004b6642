import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { blockDeviceFlagsOf, blockDeviceHostConfig, parseThrottle, parseWeightDevice, resolveBlockDevices, statBlockDevice } from './block-devices';

const MiB = 1024 * 1024;

test('throttle and weight flags parse as docker\'s CLI takes them', () => {
  const cases: [string, boolean, { Path: string; Rate: number } | RegExp][] = [
    ['/dev/sda:1mb', true, { Path: '/dev/sda', Rate: MiB }],
    ['/dev/sda:512k', true, { Path: '/dev/sda', Rate: 512 * 1024 }],
    ['/dev/sda:0', true, { Path: '/dev/sda', Rate: 0 }],
    ['/dev/disk/by-id/a:b:2048', true, { Path: '/dev/disk/by-id/a:b', Rate: 2048 }],
    ['/dev/sda:100', false, { Path: '/dev/sda', Rate: 100 }],
    ['/dev/sda:1mb', false, /the rate must be a positive integer/],
    ['/dev/sda:-5', true, /the rate must be a positive size/],
    ['sda:100', false, /must start with \/dev\//],
    ['/dev/sda', true, /expected <device-path>/],
    ['/dev/sda:', true, /expected <device-path>/],
  ];
  for (const [text, bytes, want] of cases) {
    if (want instanceof RegExp) assert.throws(() => parseThrottle(text, '--device-x', bytes), want, text);
    else assert.deepEqual(parseThrottle(text, '--device-x', bytes), want, text);
  }
  assert.deepEqual(parseWeightDevice('/dev/sda:200'), { Path: '/dev/sda', Weight: 200 });
  assert.deepEqual(parseWeightDevice('/dev/sda:0'), { Path: '/dev/sda', Weight: 0 });
  for (const t of ['/dev/sda:5', '/dev/sda:1001', '/dev/sda:x']) assert.throws(() => parseWeightDevice(t), /between 10 and 1000/, t);
});

test('paths resolve to MAJ:MIN through the host; the reason of a bad path is in a one-line error', () => {
  const host = {
    weightDevice: true,
    blockDevice: (p: string) => {
      if (p === '/dev/sda') return { major: 8, minor: 0 };
      throw new Error('no such device on this host');
    },
  };
  const warnings: string[] = [];
  const io = resolveBlockDevices({ deviceReadBps: ['/dev/sda:1mb'], deviceWriteIops: ['/dev/sda:30'], blkioWeightDevice: ['/dev/sda:300'] }, host, warnings);
  assert.deepEqual(io, {
    weightDevice: [{ major: 8, minor: 0, weight: 300 }],
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: MiB }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 30 }],
  });
  assert.deepEqual(warnings, []);
  assert.throws(() => resolveBlockDevices({ deviceReadIops: ['/dev/sdz:1'] }, host, []),
    (e: Error) => e.message === 'invalid value "/dev/sdz:1" for --device-read-iops: /dev/sdz: no such device on this host');
  assert.equal(resolveBlockDevices({}, host, []), undefined);
});

test('a per-device weight on a kernel without the file is dropped with docker\'s warning', () => {
  const warnings: string[] = [];
  const io = resolveBlockDevices({ blkioWeightDevice: ['/dev/sda:300'] }, { weightDevice: false, blockDevice: () => ({ major: 8, minor: 0 }) }, warnings);
  assert.equal(io, undefined);
  assert.match(warnings[0], /does not support Block I\/O weight_device .* Weight-device discarded/);
});

test('HostConfig lists and flag texts round-trip', () => {
  const flags = { deviceReadBps: ['/dev/sda:1mb'], blkioWeightDevice: ['/dev/sdb:20'] };
  const h = blockDeviceHostConfig(flags);
  assert.deepEqual(h, {
    BlkioWeightDevice: [{ Path: '/dev/sdb', Weight: 20 }], BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: MiB }],
    BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [],
  });
  assert.deepEqual(blockDeviceFlagsOf(h), { blkioWeightDevice: ['/dev/sdb:20'], deviceReadBps: [`/dev/sda:${MiB}`] });
});

test('statBlockDevice refuses what is not a block device', () => {
  assert.throws(() => statBlockDevice('/dev/null'), /not a block device/);
  assert.throws(() => statBlockDevice('/dev/mydocker-no-such-device'), /no such device/);
});
