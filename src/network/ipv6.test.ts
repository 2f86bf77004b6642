import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  canonicalIPv6, contains6, formatCidr6, formatIPv6, hostRange6, lastAddress6, overlaps6, parseCidr6, parseIPv6, reservedBlock6, within6,
} from './ipv6';

test('IPv6 text parses to 128 bits and formats back the RFC 5952 way', () => {
  assert.equal(parseIPv6('::'), 0n);
  assert.equal(parseIPv6('::1'), 1n);
  assert.equal(parseIPv6('fd00::1'), (0xfd00n << 112n) | 1n);
  assert.equal(parseIPv6('1:2:3:4:5:6:7:8'), 0x00010002000300040005000600070008n);
  assert.equal(formatIPv6(parseIPv6('2001:0DB8:0000:0000:0000:ff00:0042:8329')!), '2001:db8::ff00:42:8329');
  // the longest zero run is compressed, the first one on a tie, never a single group
  assert.equal(canonicalIPv6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIPv6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(canonicalIPv6('fd00:0:0:0:0:0:0:0'), 'fd00::');
  assert.equal(canonicalIPv6('0:0:0:0:0:0:0:0'), '::');
  assert.equal(canonicalIPv6('::ffff:10.1.2.3'), '::ffff:a01:203');
  for (const bad of ['', '1', '10.1.2.3', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', 'fe80::1%eth0',
    '::1.2.3', '1.2.3.4::', '::256.1.1.1', ' ::1']) {
    assert.equal(parseIPv6(bad), undefined, bad);
  }
});

test('IPv6 CIDR arithmetic: network, last address, containment, overlap', () => {
  const c = parseCidr6('fd12:3456:789a:1::5/64')!;
  assert.equal(formatCidr6(c), 'fd12:3456:789a:1::/64');
  assert.equal(formatIPv6(c.address), 'fd12:3456:789a:1::5');
  assert.equal(formatIPv6(lastAddress6(c)), 'fd12:3456:789a:1:ffff:ffff:ffff:ffff');
  assert.ok(contains6(c, parseIPv6('fd12:3456:789a:1:abcd::1')!));
  assert.ok(!contains6(c, parseIPv6('fd12:3456:789a:2::1')!));
  assert.ok(overlaps6(c, parseCidr6('fd12:3456::/32')!));
  assert.ok(!overlaps6(c, parseCidr6('fd12:3456:789a:2::/64')!));
  assert.ok(within6(parseCidr6('fd12:3456:789a:1:8000::/65')!, c));
  assert.ok(!within6(parseCidr6('fd12:3456::/32')!, c));
  const hosts = hostRange6(c);
  assert.equal(formatIPv6(hosts.first), 'fd12:3456:789a:1::1', 'the subnet-router anycast address is never handed out');
  assert.equal(hosts.last, lastAddress6(c));
  assert.equal(formatCidr6(parseCidr6('::/0')!), '::/0');
  for (const bad of ['fd00::/129', 'fd00::', 'fd00::/x', '10.0.0.0/8', 'fd00::/-1']) assert.equal(parseCidr6(bad), undefined, bad);
});

test('blocks that cannot be a network subnet are named', () => {
  assert.equal(reservedBlock6(parseCidr6('fe80::/64')!), 'link-local');
  assert.equal(reservedBlock6(parseCidr6('ff02::/16')!), 'multicast');
  assert.equal(reservedBlock6(parseCidr6('::ffff:0:0/96')!), 'IPv4-mapped');
  assert.equal(reservedBlock6(parseCidr6('::1/128')!), 'loopback');
  assert.equal(reservedBlock6(parseCidr6('fd00:1::/64')!), undefined);
  assert.equal(reservedBlock6(parseCidr6('2001:db8::/64')!), undefined);
});
