import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { AttachedNetwork, Attachment } from './attachments';
import { hostsFor } from './name-resolution';
import { parseDnatPorts } from './host-ports';

function entry(name: string, ip: string, aliases: string[] = [], resolvesNames = true): AttachedNetwork {
  return {
    name, networkId: name, ifname: 'eth0', list: { cniVersion: '1.0.0', name, plugins: [] }, capabilityArgs: {}, aliases, resolvesNames,
    result: { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', mac: 'aa:bb', sandbox: '/x' }], ips: [{ address: `${ip}/24`, gateway: '10.0.0.1', interface: 0 }] },
  };
}

function att(id: string, name: string, networks: AttachedNetwork[]): Attachment {
  return {
    schemaVersion: 1, containerId: id.repeat(64), containerName: name, hostname: id.repeat(12), pid: 1, pidStartTime: '1', netns: '/x',
    hostsFile: '/x', extraHosts: [{ ip: '10.1.1.1', names: ['db'] }], networks,
  };
}

test('hosts: own address with hostname, name and aliases; peers on shared user networks only', () => {
  const a = att('a', 'web', [entry('app', '10.0.0.2', ['www']), entry('bridge', '172.17.0.2', [], false)]);
  const b = att('b', 'api', [entry('app', '10.0.0.3', ['backend'])]);
  const c = att('c', 'other', [entry('bridge', '172.17.0.3', [], false)]);
  const d = att('d', 'elsewhere', [entry('else', '10.5.0.3')]);
  const text = hostsFor(a, [a, b, c, d]);
  assert.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(text, /^10\.1\.1\.1\tdb$/m);
  assert.match(text, new RegExp(`^10\\.0\\.0\\.2\\t${'a'.repeat(12)} web www$`, 'm'));
  assert.match(text, new RegExp(`^10\\.0\\.0\\.3\\tapi backend ${'b'.repeat(12)}$`, 'm'));
  assert.doesNotMatch(text, /other|elsewhere/, 'no names on the default bridge, nor from other networks');
});

test('DNAT rules of any engine are read as forwarded ports', () => {
  const save = [
    '-A CNI-DN-x -s 10.0.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
    '-A CNI-DN-x -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.2:80',
    '-A CNI-DN-y -d 127.0.0.1/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 10.0.0.3:53',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9000:9001 -j DNAT --to-destination 172.17.0.2:9000-9001',
  ].join('\n');
  assert.deepEqual(parseDnatPorts(save).map((f) => `${f.protocol} ${f.hostIp || '*'} ${f.port}`),
    ['tcp * 8080', 'udp 127.0.0.1 5353', 'tcp * 9000', 'tcp * 9001']);
});
