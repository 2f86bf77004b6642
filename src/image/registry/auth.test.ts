import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../../archive/test-helpers';
import { parseChallenges } from './auth';
import { authFilePath, readCredentials, removeCredentials, storeCredentials } from './credentials';
import { registryFromArgument } from './login';

describe('WWW-Authenticate', () => {
  it('parses a bearer challenge with quoted values', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });
  it('parses basic, several challenges, commas inside quotes and escapes', () => {
    assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    assert.deepEqual(parseChallenges('Basic realm="a, b", Bearer realm="https://x/t", scope="repository:a:pull,push", error=invalid_token'), [
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', scope: 'repository:a:pull,push', error: 'invalid_token' } },
    ]);
    assert.deepEqual(parseChallenges('Bearer realm="q\\"uote"'), [{ scheme: 'bearer', params: { realm: 'q"uote' } }]);
    assert.deepEqual(parseChallenges(''), []);
  });
});

describe('credentials file', () => {
  it('stores, reads and removes docker-style entries with mode 0600', () => {
    const dir = makeTempDir('creds');
    try {
      const file = path.join(dir, 'sub', 'auth.json');
      assert.equal(authFilePath({ MYDOCKER_CONFIG: file }), file);
      assert.equal(authFilePath({ HOME: '/home/u' }), '/home/u/.config/mydocker/auth.json');
      assert.equal(readCredentials('127.0.0.1:5000', file), undefined);
      storeCredentials('127.0.0.1:5000', { username: 'alice', password: 'p:w' }, file);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { auths: { '127.0.0.1:5000': { auth: Buffer.from('alice:p:w').toString('base64') } } });
      assert.deepEqual(readCredentials('127.0.0.1:5000', file), { username: 'alice', password: 'p:w' });
      fs.writeFileSync(file, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('bob:x').toString('base64') } }, credsStore: 'kept' }));
      assert.deepEqual(readCredentials('docker.io', file), { username: 'bob', password: 'x' });
      storeCredentials('127.0.0.1:5000', { username: 'a', password: 'b' }, file);
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).credsStore, 'kept', 'other keys survive');
      assert.equal(removeCredentials('docker.io', file), true);
      assert.equal(removeCredentials('docker.io', file), false);
      assert.equal(readCredentials('docker.io', file), undefined);
      fs.writeFileSync(file, '{nope');
      assert.throws(() => readCredentials('x', file), /invalid credentials file/);
    } finally {
      removeDir(dir);
    }
  });
  it('normalizes registry arguments', () => {
    assert.equal(registryFromArgument(undefined), 'docker.io');
    assert.equal(registryFromArgument('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
    assert.equal(registryFromArgument('localhost:5000'), 'localhost:5000');
    assert.equal(registryFromArgument('https://index.docker.io/v1/'), 'docker.io');
    assert.throws(() => registryFromArgument('a b'), /invalid registry address/);
  });
});
