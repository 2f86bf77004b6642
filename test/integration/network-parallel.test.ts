// IP allocation under concurrency: 30 containers started at once on one /24 all get distinct addresses,
// every hosts file ends up listing all the others, and everything goes away afterwards.
// Subnet 10.232.0.0/24 belongs to this file.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../helpers/sandbox';
import { hostFootprint, networkNames, ok, removeEverything, runAsync, type OurNames } from './network-helpers';

let sb: Sandbox;
let seen: Partial<OurNames> = {};
before(() => {
  sb = new Sandbox('network-parallel');
});
after(() => {
  const names = networkNames(sb, seen);
  removeEverything(sb);
  const left = hostFootprint(names);
  const mounts = sb.leftovers();
  sb.cleanup();
  assert.deepEqual(left, [], 'networking left things on the host');
  assert.deepEqual(mounts, [], 'mounts or cgroups left');
});


test('30 parallel run -d on one /24 get 30 distinct addresses and see each other by name', async () => {
  ok(sb, ['network', 'create', '--subnet', '10.232.0.0/24', 'par']);
  const N = 30;
  const results = await Promise.all(Array.from({ length: N }, (_, i) => runAsync(sb, ['run', '-d', '--name', `p${i}`, '--network', 'par', 'busybox', 'sleep', '120'])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const ips = Array.from({ length: N }, (_, i) => ok(sb, ['inspect', '-f', '{{.NetworkSettings.Networks.par.IPAddress}}', `p${i}`]).stdout.trim());
  assert.equal(new Set(ips).size, N, `duplicate addresses: ${[...ips].sort().join(' ')}`);
  for (const ip of ips) assert.match(ip, /^10\.232\.0\.\d+$/);
  const leases = fs.readdirSync(path.join(sb.runroot, 'networks', 'ipam', 'par')).filter((f) => /^\d+\./.test(f));
  assert.equal(leases.length, N);
  // the last hosts rewrite of every member saw every other member
  const hosts = ok(sb, ['exec', 'p0', 'cat', '/etc/hosts']).stdout;
  for (let i = 1; i < N; i++) assert.match(hosts, new RegExp(`^${ips[i].replace(/\./g, '\\.')}\\tp${i} `, 'm'), `p0 does not know p${i}`);
  assert.match(ok(sb, ['exec', `p${N - 1}`, 'ping', '-c', '1', '-W', '2', 'p0']).stdout, /1 packets received/);
  seen = networkNames(sb);
  const removed = await Promise.all(Array.from({ length: N }, (_, i) => runAsync(sb, ['rm', '-f', `p${i}`])));
  for (const r of removed) assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(path.join(sb.runroot, 'networks', 'ipam', 'par')).filter((f) => /^\d+\./.test(f)), [], 'leases left');
  assert.deepEqual(fs.readdirSync(path.join(sb.runroot, 'networks', 'containers')), [], 'attachments left');
  ok(sb, ['network', 'rm', 'par']);
});
