import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostsContent, resolvConfContent, rewriteInPlace } from './etc-files';

test('resolv.conf: loopback servers dropped, --dns and --dns-search replace the host\'s', () => {
  const host = 'search corp.example\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions ndots:2\n';
  assert.equal(resolvConfContent(host), 'search corp.example\nnameserver 10.0.0.2\noptions ndots:2\n');
  assert.equal(resolvConfContent(host, { dns: ['1.1.1.1'], search: ['a.test'] }), 'search a.test\noptions ndots:2\nnameserver 1.1.1.1\n');
  assert.equal(resolvConfContent(host, { search: ['.'] }), 'nameserver 10.0.0.2\noptions ndots:2\n');
  assert.match(resolvConfContent('nameserver 127.0.0.1\n'), /nameserver 8\.8\.8\.8/);
  assert.match(resolvConfContent('nameserver 127.0.0.1\n', { keepLoopback: true }), /^nameserver 127\.0\.0\.1$/m);
});

test('hosts: defaults, --add-host, own addresses, peers', () => {
  const text = hostsContent('abc', ['10.0.0.2'], { names: ['web'], extraHosts: [{ ip: '1.2.3.4', names: ['db'] }], peers: [{ ip: '10.0.0.3', names: ['api'] }] });
  assert.match(text, /^1\.2\.3\.4\tdb\n10\.0\.0\.2\tabc web\n10\.0\.0\.3\tapi\n$/m);
});

test('rewriteInPlace keeps the inode and cuts the old tail', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etc-'));
  try {
    const file = path.join(dir, 'hosts');
    fs.writeFileSync(file, 'a much longer first content\n');
    const ino = fs.statSync(file).ino;
    rewriteInPlace(file, 'short\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'short\n');
    assert.equal(fs.statSync(file).ino, ino);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
