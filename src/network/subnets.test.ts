import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MydockerError } from '../errors/errors';
import { formatCidr, formatIPv4, parseCidr } from './ipv4';
import { defaultPools, pickSubnet, planSubnet, type UsedBlock } from './subnets';
import { hostRoutes } from './host';

const used = (cidr: string, owner = 'a route on eth0'): UsedBlock => ({ ...parseCidr(cidr)!, owner });
const kind = (k: string) => (e: unknown) => e instanceof MydockerError && e.kind === k;

test('the first free default pool is taken: 172.17/16 unless something overlaps it', () => {
  assert.equal(formatCidr(pickSubnet([])), '172.17.0.0/16');
  assert.equal(formatCidr(pickSubnet([used('172.17.5.0/24')])), '172.18.0.0/16');
  assert.equal(formatCidr(pickSubnet([used('172.16.0.0/12')])), '192.168.0.0/20');
  const all = defaultPools().map((p) => ({ ...p, owner: 'x' }));
  assert.throws(() => pickSubnet(all), kind('Conflict'));
});

test('--subnet, --gateway, --ip-range are checked and completed', () => {
  const p = planSubnet({ subnet: '10.5.0.0/24' }, []);
  assert.equal(formatIPv4(p.gateway), '10.5.0.1');
  assert.deepEqual([formatIPv4(p.range.first), formatIPv4(p.range.last)], ['10.5.0.1', '10.5.0.254']);
  const q = planSubnet({ subnet: '10.5.0.0/16', gateway: '10.5.0.254', ipRange: '10.5.1.0/24' }, []);
  assert.equal(formatIPv4(q.gateway), '10.5.0.254');
  assert.deepEqual([formatIPv4(q.range.first), formatIPv4(q.range.last)], ['10.5.1.1', '10.5.1.254']);
});

test('bad or overlapping subnets are refused with the flag named', () => {
  assert.throws(() => planSubnet({ subnet: '10.5.0.0/33' }, []), (e: unknown) => kind('InvalidArgument')(e) && /--subnet/.test(String(e)));
  assert.throws(() => planSubnet({ subnet: '10.5.0.1/24' }, []), /host bits set, use 10\.5\.0\.0\/24/);
  assert.throws(() => planSubnet({ subnet: '10.5.0.0/24', gateway: '10.6.0.1' }, []), /--gateway/);
  assert.throws(() => planSubnet({ subnet: '10.5.0.0/24', ipRange: '10.6.0.0/25' }, []), /--ip-range/);
  assert.throws(() => planSubnet({ gateway: '10.6.0.1' }, []), /needs --subnet/);
  assert.throws(() => planSubnet({ subnet: '10.5.0.0/24' }, [used('10.0.0.0/8', 'network other')]),
    (e: unknown) => kind('Conflict')(e) && /overlaps with network other/.test(String(e)));
});

test('/proc/net/route is read as little-endian hex, default routes skipped', () => {
  const text = [
    'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    'br0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  ].join('\n');
  assert.deepEqual(hostRoutes(text).map((r) => `${r.device} ${formatCidr(r)}`), ['eth0 192.0.2.0/24', 'br0 172.17.0.0/16']);
});
