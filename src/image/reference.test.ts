import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import { canonicalString, familiarName, familiarString, isFullImageId, parseReference } from './reference';

const D = 'sha256:' + 'a'.repeat(64);

describe('image references', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['user/app:v1.0-rc_1', 'docker.io/user/app:v1.0-rc_1', 'user/app:v1.0-rc_1'],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
    ['localhost:5000/x:1', 'localhost:5000/x:1', 'localhost:5000/x:1'],
    ['registry.example.com/a/b/c', 'registry.example.com/a/b/c:latest', 'registry.example.com/a/b/c:latest'],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000/x:latest'],
    ['my.registry:443/ns/img:tag', 'my.registry:443/ns/img:tag', 'my.registry:443/ns/img:tag'],
    ['a__b.c-d---e', 'docker.io/library/a__b.c-d---e:latest', 'a__b.c-d---e:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
    ['Example.com/x', 'Example.com/x:latest', 'Example.com/x:latest'],
  ];
  for (const [input, canonical, familiar] of cases) {
    it(`parses ${input}`, () => {
      const ref = parseReference(input);
      assert.equal(canonicalString(ref), canonical);
      assert.equal(familiarString(ref), familiar);
    });
  }

  it('gives familiar names', () => {
    assert.equal(familiarName(parseReference('busybox')), 'busybox');
    assert.equal(familiarName(parseReference('docker.io/library/a/b')), 'library/a/b');
    assert.equal(familiarName(parseReference('localhost:5000/x')), 'localhost:5000/x');
  });

  it('can leave the tag out', () => {
    assert.equal(parseReference('busybox', { defaultTag: false }).tag, undefined);
  });

  const invalid: [string, RegExp][] = [
    ['', /^invalid reference format$/],
    ['Busybox', /^invalid reference format: repository name must be lowercase$/],
    ['user/App:1', /must be lowercase/],
    ['busybox:', /^invalid reference format$/],
    ['busybox:-x', /^invalid reference format$/],
    [`busybox:${'t'.repeat(129)}`, /^invalid reference format$/],
    ['a//b', /^invalid reference format$/],
    ['a/', /^invalid reference format$/],
    ['-a', /^invalid reference format$/],
    ['a-', /^invalid reference format$/],
    ['a..b', /^invalid reference format$/],
    ['a b', /^invalid reference format$/],
    ['busybox@sha256:abc', /^invalid reference format$/],
    [`busybox@sha512:${'a'.repeat(128)}`, /only sha256/],
    ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
    [`x/${'a'.repeat(250)}`, /must not be more than 255 characters/],
    ['-bad.com/x', /^invalid reference format$/],
  ];
  for (const [input, re] of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseReference(input), (err: unknown) => err instanceof InvalidArgumentError && re.test(err.message));
    });
  }

  it('tells image ids from names', () => {
    assert.ok(isFullImageId(D));
    assert.ok(isFullImageId('b'.repeat(64)));
    assert.ok(!isFullImageId('busybox'));
    assert.ok(!isFullImageId('abc123'));
  });
});
