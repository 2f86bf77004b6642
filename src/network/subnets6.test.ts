import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError } from '../errors/errors';
import { hostRoutes6, networkRules6 } from './host';
import { formatCidr6, formatIPv6, parseCidr6 } from './ipv6';
import { checkRequestedIp6, pickSubnet6, planSubnet6, splitByFamily, ulaPool, type UsedBlock6 } from './subnets6';

const used = (cidr: string, owner = 'a route on eth0'): UsedBlock6 => {
  const c = parseCidr6(cidr)!;
  return { network: c.network, prefix: c.prefix, owner };
};
const kind = (k: string) => (e: unknown) => e instanceof MydockerError && e.kind === k;
const POOL = parseCidr6('fd11:2233:4455::/48')!;

test('the machine pool is a stable ULA /48 with a hashed global id', () => {
  const a = ulaPool('machine-a');
  assert.equal(a.prefix, 48);
  assert.match(formatCidr6(a), /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
  assert.deepEqual(ulaPool('machine-a'), a);
  assert.notDeepEqual(ulaPool('machine-b'), a);
});

test('a /64 is picked from the pool: the first one nothing overlaps', () => {
  assert.equal(formatCidr6(pickSubnet6([], POOL)), 'fd11:2233:4455::/64');
  assert.equal(formatCidr6(pickSubnet6([used('fd11:2233:4455::/64', 'network a')], POOL)), 'fd11:2233:4455:1::/64');
  assert.equal(formatCidr6(pickSubnet6([used('fd11:2233:4455::/63'), used('fd11:2233:4455:2::5/128')], POOL)), 'fd11:2233:4455:3::/64');
  assert.throws(() => pickSubnet6([used('fd11:2233:4455::/48')], POOL), kind('Conflict'));
  assert.throws(() => pickSubnet6([used('fd11:2233:4455::/62')], parseCidr6('fd11:2233:4455::/62')!), /pool fd11:2233:4455::\/62/);
});

test('IPv6 --subnet, --gateway and --ip-range are checked and completed', () => {
  const p = planSubnet6({ subnet: 'fd00:aa::/64' }, [], POOL);
  assert.equal(formatIPv6(p.gateway), 'fd00:aa::1');
  assert.equal(formatIPv6(p.range.first), 'fd00:aa::1');
  const q = planSubnet6({ subnet: 'fd00:aa::/64', gateway: 'fd00:aa::fffe', ipRange: 'fd00:aa::100/120' }, [], POOL);
  assert.equal(formatIPv6(q.gateway), 'fd00:aa::fffe');
  assert.deepEqual([formatIPv6(q.range.first), formatIPv6(q.range.last)], ['fd00:aa::100', 'fd00:aa::1ff']);
  assert.equal(formatCidr6(planSubnet6({}, [used('fd11:2233:4455::/64')], POOL).subnet), 'fd11:2233:4455:1::/64');
  const bad: [object, RegExp][] = [
    [{ subnet: 'fd00:aa::1/64' }, /host bits set, use fd00:aa::\/64/],
    [{ subnet: 'fd00:aa::/127' }, /too small/],
    [{ subnet: 'fe80::/64' }, /link-local/],
    [{ subnet: 'ff00::/8' }, /multicast/],
    [{ subnet: '10.0.0.0/8' }, /expected an IPv6 CIDR/],
    [{ subnet: 'fd00:aa::/64', gateway: 'fd00:bb::1' }, /--gateway fd00:bb::1: not a host address/],
    [{ subnet: 'fd00:aa::/64', gateway: 'fd00:aa::' }, /not a host address/],
    [{ subnet: 'fd00:aa::/64', gateway: 'nope' }, /expected an IPv6 address/],
    [{ subnet: 'fd00:aa::/64', ipRange: 'fd00:bb::/80' }, /not within subnet/],
    [{ gateway: 'fd00:aa::1' }, /needs an IPv6 --subnet/],
  ];
  for (const [req, message] of bad) assert.throws(() => planSubnet6(req, [], POOL), (e: unknown) => kind('InvalidArgument')(e) && message.test(String(e)), message.source);
  assert.throws(() => planSubnet6({ subnet: 'fd00::/64' }, [used('fd00::/64')], POOL), (e: unknown) => kind('Conflict')(e) && /a route on eth0/.test(String(e)));
});

test('repeated --subnet/--gateway/--ip-range split by address family', () => {
  assert.deepEqual(splitByFamily({ subnets: ['10.1.0.0/24', 'fd00:1::/64'], gateways: ['fd00:1::9'], ipRanges: [] }), {
    v4: { subnet: '10.1.0.0/24' }, v6: { subnet: 'fd00:1::/64', gateway: 'fd00:1::9' },
  });
  assert.deepEqual(splitByFamily({ subnets: [], gateways: [], ipRanges: [] }), { v4: {}, v6: {} });
  assert.throws(() => splitByFamily({ subnets: ['fd00:1::/64', 'fd00:2::/64'], gateways: [], ipRanges: [] }), /at most one IPv4 and one IPv6/);
});

test('--ip6 must be a host address of the IPv6 subnet, not its gateway, inside --ip-range', () => {
  const net = { name: 'n6', subnet: 'fd00:aa::/64', gateway: 'fd00:aa::1', ipRange: 'fd00:aa::/120' };
  assert.equal(checkRequestedIp6('FD00:AA:0::0042', net), 'fd00:aa::42');
  assert.throws(() => checkRequestedIp6('fd00:bb::5', net), /not a host address of network n6 \(fd00:aa::\/64\)/);
  assert.throws(() => checkRequestedIp6('fd00:aa::', net), /not a host address/);
  assert.throws(() => checkRequestedIp6('fd00:aa::1', net), /gateway/);
  assert.throws(() => checkRequestedIp6('fd00:aa::1:5', net), /--ip-range/);
  assert.throws(() => checkRequestedIp6('10.0.0.1', net), /for --ip6: not an IPv6 address/);
});

test('host IPv6 routes that reserve blocks: no default, host, link-local, multicast or lo routes', () => {
  const table = [
    'fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0',
    'fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0',
    '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000001 00000000 00000003     eth0',
    'fd000000000000000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001     eth0',
    'ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0',
    '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000001 00000000 80200001       lo',
    'fd123456789a00010000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 mdk-0123456789',
  ].join('\n');
  assert.deepEqual(hostRoutes6(table).map((r) => `${r.device} ${formatCidr6(r)}`), ['eth0 fd00::/64', 'mdk-0123456789 fd12:3456:789a:1::/64']);
});

test('a dual-stack network gets the IPv4 rules again in ip6tables, masquerading its IPv6 subnet', () => {
  const rules = networkRules6({ networkId: 'ab'.repeat(32), bridge: 'mdk-x', subnet: 'fd00:aa::/64', internal: false });
  assert.ok(rules.every((r) => r.family === 6));
  const nat = rules.filter((r) => r.table === 'nat');
  assert.equal(nat.length, 1);
  assert.deepEqual(nat[0].spec.slice(0, 5), ['-s', 'fd00:aa::/64', '!', '-o', 'mdk-x']);
  assert.ok(rules.every((r) => r.spec.includes(`mydocker network ${'ab'.repeat(6)}`)));
  assert.equal(networkRules6({ networkId: 'ab'.repeat(32), bridge: 'mdk-x', subnet: 'fd00:aa::/64', internal: true }).filter((r) => r.table === 'nat').length, 0);
});
