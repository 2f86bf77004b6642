// --ip6 checked into the endpoint request, and the configuration list of a dual-stack network.
// (The flag's way from the command line into RunOptions: src/cli/run-options-ip6.test.ts.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError, NotFoundError } from '../errors/errors';
import { parseCidr6 } from './ipv6';
import { bridgeConfList } from './networks';
import { checkNetworkFlags, type NetworkFlags } from './options';
import { emptyEndpoint } from './settings';
import type { Network, NetworkMeta } from './store';
import { planSubnet } from './subnets';
import { planSubnet6 } from './subnets6';

const meta = (ipv6?: NetworkMeta['ipv6']): NetworkMeta => ({
  id: 'f'.repeat(64), created: '', driver: 'bridge', bridge: 'mdk-ffff', subnet: '10.9.0.0/24', gateway: '10.9.0.1', internal: false, labels: {},
  ...(ipv6 ? { ipv6 } : {}),
});
const network = (name: string, m: NetworkMeta): Network => ({ name, id: m.id, file: '/x', list: { cniVersion: '1.0.0', name, plugins: [] }, meta: m });
const nets: Record<string, Network> = {
  dual: network('dual', meta({ subnet: 'fd00:9::/64', gateway: 'fd00:9::1' })),
  v4: network('v4', meta()),
};
const ctx = {
  resolveNetwork: (n: string) => nets[n] ?? (() => { throw new NotFoundError(`network ${n} not found`); })(),
  resolveContainer: (r: string) => { throw new NotFoundError(`no such container: ${r}`); },
};
const flags = (over: Partial<NetworkFlags>): NetworkFlags => ({
  network: 'bridge', publish: [], publishAll: false, expose: [], networkAliases: [], dns: [], dnsSearch: [], addHosts: [], ...over,
});
const invalid = (re: RegExp) => (e: unknown) => e instanceof MydockerError && e.kind === 'InvalidArgument' && re.test(e.message);

test('--ip6 is checked against the network and comes out canonical on the endpoint', () => {
  const cfg = checkNetworkFlags(flags({ network: 'dual', ip: '10.9.0.7', ip6: 'FD00:9:0::0042' }), ctx);
  assert.deepEqual(cfg.networks[0], { name: 'dual', aliases: [], ipv4Address: '10.9.0.7', ipv6Address: 'fd00:9::42' });
  assert.deepEqual(emptyEndpoint('x', cfg.networks[0]).IPAMConfig, { IPv4Address: '10.9.0.7', IPv6Address: 'fd00:9::42' });
  assert.deepEqual(emptyEndpoint('x', { name: 'dual', aliases: [], ipv6Address: 'fd00:9::42' }).IPAMConfig, { IPv6Address: 'fd00:9::42' });
});

test('a bad --ip6 is refused before anything exists, naming the flag', () => {
  const check = (network: string, ip6: string) => () => checkNetworkFlags(flags({ network, ip6 }), ctx);
  assert.throws(check('dual', 'fd00:8::5'), invalid(/not a host address of network dual \(fd00:9::\/64\)/));
  assert.throws(check('dual', 'zz::1'), invalid(/invalid value "zz::1" for --ip6/));
  assert.throws(check('v4', 'fd00:9::5'), invalid(/network v4 has no IPv6 subnet/));
  assert.throws(check('bridge', 'fd00:9::5'), invalid(/user defined networks/));
  assert.throws(check('host', 'fd00:9::5'), invalid(/user defined networks/));
});

test('a dual-stack list: two range sets, both default routes, portmap leaves ::1 alone', () => {
  const plan = planSubnet({ subnet: '10.9.0.0/24' }, []);
  const plan6 = planSubnet6({ subnet: 'fd00:9::/64', ipRange: 'fd00:9::100/120' }, [], parseCidr6('fd01::/48')!);
  const m = meta({ subnet: 'fd00:9::/64', gateway: 'fd00:9::1', ipRange: 'fd00:9::100/120' });
  const list = bridgeConfList('dual', m, plan, plan6);
  const ipam = list.plugins[0].ipam as { ranges: Record<string, string>[][]; routes: { dst: string }[] };
  assert.deepEqual(ipam.ranges, [
    [{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }],
    [{ subnet: 'fd00:9::/64', gateway: 'fd00:9::1', rangeStart: 'fd00:9::100', rangeEnd: 'fd00:9::1ff' }],
  ]);
  assert.deepEqual(ipam.routes, [{ dst: '0.0.0.0/0' }, { dst: '::/0' }]);
  assert.deepEqual(list.plugins[1].conditionsV6, ['!', '-d', '::1/128']);
  // an IPv4-only list is as before
  const v4 = bridgeConfList('v4', meta(), plan);
  assert.deepEqual((v4.plugins[0].ipam as { ranges: unknown[] }).ranges, [[{ subnet: '10.9.0.0/24', gateway: '10.9.0.1' }]]);
  assert.equal(v4.plugins[1].conditionsV6, undefined);
});
