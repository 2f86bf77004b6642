import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { API_VERSION, checkVersion, compareVersions, Router, splitVersion } from './router';
import { apiRoutes } from './routes';

describe('Router', () => {
  const r = new Router<string>()
    .add('GET', '/containers/json', 'list')
    .add('GET', '/containers/:id/json', 'inspect')
    .add('DELETE', '/containers/:id', 'rm')
    .add('GET', '/images/json', 'images')
    .add('GET', '/images/*name/json', 'image-inspect')
    .add('POST', '/images/*name/push', 'push')
    .add('DELETE', '/images/*name', 'rmi');

  const cases: [string, string, string | 'not-found' | 'method', Record<string, string>?][] = [
    ['GET', '/containers/json', 'list'],
    ['GET', '/containers/json/', 'list'],
    ['GET', '/containers/abc/json', 'inspect', { id: 'abc' }],
    ['HEAD', '/containers/abc/json', 'inspect', { id: 'abc' }],
    ['DELETE', '/containers/abc', 'rm', { id: 'abc' }],
    ['POST', '/containers/abc', 'method'],
    ['GET', '/containers', 'not-found'],
    ['GET', '/containers//json', 'not-found'],
    ['GET', '/images/json', 'images'],
    ['GET', '/images/busybox/json', 'image-inspect', { name: 'busybox' }],
    ['GET', '/images/localhost:5000/team/app:1.0/json', 'image-inspect', { name: 'localhost:5000/team/app:1.0' }],
    ['GET', '/images/sha256%3Aabc/json', 'image-inspect', { name: 'sha256:abc' }],
    ['POST', '/images/127.0.0.1:5000/x/push', 'push', { name: '127.0.0.1:5000/x' }],
    ['DELETE', '/images/a/b/c', 'rmi', { name: 'a/b/c' }],
    ['GET', '/images/%E0%A4%A/json', 'not-found'],
    ['GET', '/nope', 'not-found'],
  ];
  for (const [method, path, want, params] of cases) {
    it(`${method} ${path} → ${want}`, () => {
      const m = r.match(method, path);
      if (typeof m === 'string') return assert.equal(m, want);
      assert.equal(m.handler, want);
      if (params) assert.deepEqual(m.params, params);
    });
  }
});

describe('API versions', () => {
  it('splits the /vX.Y prefix', () => {
    assert.deepEqual(splitVersion('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' });
    assert.deepEqual(splitVersion('/containers/json'), { path: '/containers/json' });
    assert.deepEqual(splitVersion('/v1.50'), { version: '1.50', path: '/' });
    assert.deepEqual(splitVersion('/v1/containers'), { path: '/v1/containers' });
  });
  it('compares numerically (1.9 < 1.41)', () => {
    assert.ok(compareVersions('1.9', '1.41') < 0);
    assert.equal(compareVersions('1.50', '1.50'), 0);
  });
  it("accepts 1.41 … the newest and refuses the rest in docker's words", () => {
    checkVersion('1.41');
    checkVersion(API_VERSION);
    assert.throws(() => checkVersion('1.40'), /client version 1.40 is too old. Minimum supported API version is 1.41/);
    assert.throws(() => checkVersion('1.99'), /client version 1.99 is too new. Maximum supported API version is 1.50/);
  });
});

describe('the route table', () => {
  const routes = apiRoutes();
  const served: [string, string][] = [
    ['HEAD', '/_ping'], ['GET', '/_ping'], ['GET', '/version'], ['GET', '/info'], ['GET', '/events'], ['GET', '/system/df'], ['POST', '/auth'],
    ['POST', '/containers/create'], ['GET', '/containers/json'], ['POST', '/containers/prune'], ['GET', '/containers/x/json'],
    ['POST', '/containers/x/start'], ['POST', '/containers/x/stop'], ['POST', '/containers/x/kill'], ['POST', '/containers/x/restart'],
    ['DELETE', '/containers/x'], ['POST', '/containers/x/pause'], ['POST', '/containers/x/unpause'], ['POST', '/containers/x/rename'],
    ['GET', '/containers/x/top'], ['GET', '/containers/x/export'], ['POST', '/containers/x/attach'], ['GET', '/containers/x/logs'],
    ['POST', '/containers/x/wait'], ['GET', '/containers/x/stats'], ['POST', '/containers/x/resize'], ['HEAD', '/containers/x/archive'],
    ['GET', '/containers/x/archive'], ['PUT', '/containers/x/archive'], ['POST', '/containers/x/exec'], ['POST', '/exec/e/start'],
    ['POST', '/exec/e/resize'], ['GET', '/exec/e/json'], ['POST', '/commit'], ['GET', '/images/json'], ['POST', '/images/create'],
    ['POST', '/images/load'], ['POST', '/images/prune'], ['GET', '/images/get'], ['GET', '/images/a/b:1/json'], ['GET', '/images/a/history'],
    ['GET', '/images/a/get'], ['POST', '/images/a/push'], ['POST', '/images/a/tag'], ['DELETE', '/images/a'], ['GET', '/networks'],
    ['POST', '/networks/create'], ['POST', '/networks/prune'], ['GET', '/networks/n'], ['DELETE', '/networks/n'], ['POST', '/networks/n/connect'],
    ['POST', '/networks/n/disconnect'], ['GET', '/volumes'], ['POST', '/volumes/create'], ['POST', '/volumes/prune'], ['GET', '/volumes/v'],
    ['DELETE', '/volumes/v'], ['POST', '/build/prune'],
  ];
  for (const [method, path] of served) {
    it(`serves ${method} ${path}`, () => assert.equal(typeof routes.match(method, path), 'object'));
  }
  it('keeps literal image routes ahead of image names', () => {
    const m = routes.match('GET', '/images/json');
    assert.ok(typeof m === 'object' && m.params.name === undefined);
  });
});
