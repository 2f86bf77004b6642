import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError } from '../errors/errors';
import { formatPortLines, hostPortChoice, parseExpose, parsePublish, parsePublishList } from './ports';

test('-p forms: container only, host:container, ip:host:container, ip::container, protocols', () => {
  assert.deepEqual(parsePublish('80'), { '80/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(parsePublish('8080:80'), { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  assert.deepEqual(parsePublish('127.0.0.1::80'), { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
});

test('-p ranges: equal lengths pair up, one container port takes one host port from a range', () => {
  assert.deepEqual(parsePublish('8080-8081:80-81'), {
    '80/tcp': [{ HostIp: '', HostPort: '8080' }], '81/tcp': [{ HostIp: '', HostPort: '8081' }],
  });
  assert.deepEqual(parsePublish('8000-8010:80'), { '80/tcp': [{ HostIp: '', HostPort: '8000-8010' }] });
  assert.deepEqual(parsePublish('80-81'), { '80/tcp': [{ HostIp: '', HostPort: '' }], '81/tcp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(hostPortChoice('8000-8010'), { kind: 'range', start: 8000, end: 8010 });
  assert.deepEqual(hostPortChoice(''), { kind: 'any' });
});

test('bad -p values name the flag', () => {
  for (const bad of ['abc', '80:abc', '0:80', '8080:70000', '1.2.3:80:80', '80/icmp', '8080-8082:80-81', '81-80', 'a:b:c:d', '[::1]:80:80', ':']) {
    assert.throws(() => parsePublish(bad), (e: unknown) => e instanceof MydockerError && e.kind === 'InvalidArgument' && e.message.includes('-p/--publish'), bad);
  }
});

test('several -p for one port accumulate; --expose ranges', () => {
  assert.equal(parsePublishList(['8080:80', '8081:80'])['80/tcp'].length, 2);
  assert.deepEqual(parseExpose('8000-8002/udp'), ['8000/udp', '8001/udp', '8002/udp']);
  assert.throws(() => parseExpose('x'), /--expose/);
});

test('docker port lines', () => {
  const ports = { '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '8443' }], '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': null };
  assert.deepEqual(formatPortLines(ports), ['80/tcp -> 0.0.0.0:8080', '443/tcp -> 0.0.0.0:8443']);
  assert.deepEqual(formatPortLines(ports, '80/tcp'), ['0.0.0.0:8080']);
});
