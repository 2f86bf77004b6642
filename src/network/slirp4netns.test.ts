import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hostfwdRequest, slirpArgs } from './slirp4netns';

test('slirp4netns runs on a pinned namespace path, never reaching the host loopback', () => {
  assert.deepEqual(slirpArgs('/run/ns', '/run/s.sock'), [
    '--configure', '--mtu=65520', '--disable-host-loopback', '--ready-fd=3', '--api-socket=/run/s.sock', '--netns-type=path', '/run/ns', 'tap0',
  ]);
});

test('a published port is one add_hostfwd request to the container\'s address', () => {
  assert.deepEqual(JSON.parse(hostfwdRequest({ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' })), {
    execute: 'add_hostfwd', arguments: { proto: 'tcp', host_addr: '127.0.0.1', host_port: 8080, guest_addr: '10.0.2.100', guest_port: 80 },
  });
  assert.equal(JSON.parse(hostfwdRequest({ hostPort: 53, containerPort: 53, protocol: 'udp', hostIP: '' })).arguments.host_addr, '0.0.0.0');
  assert.throws(() => hostfwdRequest({ hostPort: 1, containerPort: 1, protocol: 'sctp', hostIP: '' }), /sctp/);
});
