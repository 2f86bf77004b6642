import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { linkDisplay, linkHosts, parseLink } from './links';

test('--link NAME[:ALIAS]', () => {
  assert.deepEqual(parseLink('db'), { target: 'db', alias: 'db' });
  assert.deepEqual(parseLink('/db:/data'), { target: 'db', alias: 'data' });
  assert.throws(() => parseLink('db:a:b'), /invalid value "db:a:b" for --link/);
  assert.throws(() => parseLink(':x'), /invalid container name/);
  assert.throws(() => parseLink('db:b@d'), /invalid alias/);
  assert.equal(linkDisplay('db', 'web', 'data'), '/db:/web/data');
});

test('links become "IP ALIAS HOSTNAME NAME" lines; a stopped, gone or elsewhere container refused as docker does', () => {
  const lookup = (id: string) => ({
    a: { name: 'db', hostname: 'h1', ip: '10.0.0.2', running: true },
    b: { name: 'db2', hostname: 'h2', running: false },
    c: { name: 'db3', hostname: 'h3', running: true },
  } as Record<string, { name: string; hostname: string; ip?: string; running: boolean }>)[id];
  assert.deepEqual(linkHosts([{ container: 'a', alias: 'data' }], 'web', 'bridge', lookup), [{ ip: '10.0.0.2', names: ['data', 'h1', 'db'] }]);
  assert.deepEqual(linkHosts([{ container: 'a', alias: 'db' }], 'web', 'bridge', lookup), [{ ip: '10.0.0.2', names: ['db', 'h1'] }]);
  assert.throws(() => linkHosts([{ container: 'b', alias: 'x' }], 'web', 'bridge', lookup), /cannot link to a non running container: \/db2 AS \/web\/x/);
  assert.throws(() => linkHosts([{ container: 'c', alias: 'x' }], 'web', 'bridge', lookup), /does not belong to the network bridge/);
  assert.throws(() => linkHosts([{ container: 'z', alias: 'x' }], 'web', 'bridge', lookup), /could not get container/);
});
