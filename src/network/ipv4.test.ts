import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { contains, formatCidr, formatIPv4, hostRange, overlaps, parseCidr, parseIPv4, within } from './ipv4';

test('dotted quads parse and format; anything else is refused', () => {
  assert.equal(parseIPv4('10.1.2.3'), 0x0a010203);
  assert.equal(formatIPv4(parseIPv4('255.255.255.255')!), '255.255.255.255');
  for (const bad of ['10.1.2', '10.1.2.256', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '', '::1']) assert.equal(parseIPv4(bad), undefined, bad);
});

test('CIDR blocks: network address, host bits, prefix limits', () => {
  const c = parseCidr('10.1.2.3/24')!;
  assert.equal(formatCidr(c), '10.1.2.0/24');
  assert.equal(formatIPv4(c.address), '10.1.2.3');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(parseCidr('10.0.0.0/x'), undefined);
  assert.equal(formatCidr(parseCidr('0.0.0.0/0')!), '0.0.0.0/0');
});

test('containment, overlap and host ranges', () => {
  const a = parseCidr('172.17.0.0/16')!;
  assert.ok(contains(a, parseIPv4('172.17.255.1')!));
  assert.ok(!contains(a, parseIPv4('172.18.0.1')!));
  assert.ok(overlaps(a, parseCidr('172.17.5.0/24')!));
  assert.ok(overlaps(parseCidr('172.0.0.0/8')!, a));
  assert.ok(!overlaps(a, parseCidr('172.18.0.0/16')!));
  assert.ok(within(parseCidr('172.17.5.0/24')!, a));
  assert.ok(!within(a, parseCidr('172.17.5.0/24')!));
  const r = hostRange(parseCidr('10.0.0.0/24')!);
  assert.deepEqual([formatIPv4(r.first), formatIPv4(r.last)], ['10.0.0.1', '10.0.0.254']);
});
