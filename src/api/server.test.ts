import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { isLoopback, parseHost } from './server';
import { readAll, TestService } from './test-helpers';
import { API_VERSION } from './router';

describe('the service', () => {
  let t: TestService;
  before(async () => (t = await TestService.start('server')));
  after(() => t.stop());

  it('creates its socket 0660 root:root', () => {
    const st = fs.statSync(t.socket);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.uid, 0);
    assert.equal(st.gid, 0);
  });

  it('answers GET and HEAD /_ping with docker\'s headers', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await t.request(method, '/_ping');
      assert.equal(r.status, 200);
      assert.equal(r.text, method === 'GET' ? 'OK' : '');
      assert.equal(r.headers['api-version'], API_VERSION);
      assert.equal(r.headers['ostype'], 'linux');
      assert.equal(r.headers['docker-experimental'], 'false');
    }
  });

  it('serves every route with and without a version prefix', async () => {
    for (const p of ['/version', '/v1.41/version', `/v${API_VERSION}/version`]) {
      const r = await t.request('GET', p);
      assert.equal(r.status, 200, p);
      assert.equal((r.json() as { ApiVersion: string }).ApiVersion, API_VERSION);
    }
  });

  it('refuses versions out of range, unknown routes and wrong methods, and keeps serving', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['GET', '/v1.24/version', 400, /too old/],
      ['GET', '/v9.99/version', 400, /too new/],
      ['GET', '/nope', 404, /page not found/],
      ['GET', '/v1.50/nope/deeper', 404, /page not found/],
      ['PUT', '/version', 405, /method not allowed/],
    ];
    for (const [method, p, status, message] of cases) {
      const r = await t.request(method, p);
      assert.equal(r.status, status, `${method} ${p}`);
      assert.match((r.json() as { message: string }).message, message);
    }
    assert.equal((await t.request('GET', '/_ping')).status, 200);
  });

  it('answers bad JSON with 400 and goes on serving', async () => {
    for (const body of ['{', '[1,2]', '"text"', '{"Image": 5}']) {
      const r = await t.request('POST', '/containers/create', body);
      assert.equal(r.status, 400, body);
      assert.match((r.json() as { message: string }).message, /invalid JSON/);
    }
    assert.equal((await t.request('GET', '/_ping')).status, 200);
  });

  it('survives garbage that is not HTTP', async () => {
    const s = net.createConnection(t.socket);
    s.write('this is not http\r\n\r\n');
    const reply = (await readAll(s, Buffer.alloc(0), 2000)).toString();
    assert.match(reply, /^HTTP\/1.1 400/);
    assert.equal((await t.request('GET', '/_ping')).status, 200);
  });

  it('answers an upgrade for a missing container with a plain 404', async () => {
    const r = await t.upgrade('/v1.50/containers/nope/attach?stream=1&stdout=1');
    assert.equal(r.status, 404);
    assert.match(r.response?.text ?? '', /No such container: nope/);
  });

  it('serves /info with the counts docker info prints', async () => {
    t.engine.add('running1', { status: 'running' });
    t.engine.add('stopped1', { status: 'exited' });
    const info = (await t.request('GET', '/info')).json() as Record<string, unknown>;
    assert.equal(info.Containers, 2);
    assert.equal(info.ContainersRunning, 1);
    assert.equal(info.ContainersStopped, 1);
    assert.equal(info.OSType, 'linux');
    assert.equal(info.ServerVersion, '0.0.0-test');
  });
});

describe('service lifetime', () => {
  it('exits after --time idle seconds and removes its socket', async () => {
    const t = await TestService.start('idle', { idleSeconds: 1 });
    assert.equal((await t.request('GET', '/_ping')).status, 200);
    const started = Date.now();
    await t.svc.done;
    assert.ok(Date.now() - started >= 900, 'stopped too early');
    assert.equal(fs.existsSync(t.socket), false);
    await t.stop();
  });

  it('on stop, ends streams (events) and lets a request finish, then removes the socket', async () => {
    const t = await TestService.start('stop');
    const events = new Promise<number>((resolve) => {
      http.get({ socketPath: t.socket, path: '/events' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    await t.svc.stop();
    assert.equal(await events, 200);
    assert.equal(fs.existsSync(t.socket), false);
    await t.stop();
  });

  it('refuses a socket another service listens on, and replaces a stale one', async () => {
    const a = await TestService.start('busy');
    await assert.rejects(
      (await import('./server')).ApiService.start({ engine: a.engine, log: a.engine.deps.log, listen: { kind: 'unix', path: a.socket }, idleSeconds: 0, version: 'x' }),
      /another service is listening/,
    );
    await a.svc.stop();
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(a.socket, () => r()));
    stale.close(); // the file stays behind
    const b = await (await import('./server')).ApiService.start({ engine: a.engine, log: a.engine.deps.log, listen: { kind: 'unix', path: a.socket }, idleSeconds: 0, version: 'x' });
    await b.stop();
    await a.stop();
  });
});

describe('--host', () => {
  it('takes unix sockets and loopback TCP', () => {
    assert.deepEqual(parseHost('unix:///run/x.sock', false), { kind: 'unix', path: '/run/x.sock' });
    assert.deepEqual(parseHost('tcp://127.0.0.1:2375', false), { kind: 'tcp', host: '127.0.0.1', port: 2375 });
    assert.deepEqual(parseHost('tcp://[::1]:2375', false), { kind: 'tcp', host: '::1', port: 2375 });
  });
  it('refuses other addresses unless --insecure-listen', () => {
    assert.throws(() => parseHost('tcp://0.0.0.0:2375', false), /refusing to listen on 0.0.0.0/);
    assert.deepEqual(parseHost('tcp://0.0.0.0:2375', true), { kind: 'tcp', host: '0.0.0.0', port: 2375 });
    for (const bad of ['unix://relative.sock', 'http://x:1', 'tcp://127.0.0.1', 'tcp://127.0.0.1:99999']) assert.throws(() => parseHost(bad, false), bad);
    assert.ok(isLoopback('127.8.9.1') && isLoopback('localhost') && !isLoopback('10.0.0.1'));
  });
});
