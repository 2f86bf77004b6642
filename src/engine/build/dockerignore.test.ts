import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { globRegExp, isIgnored, parseDockerignore } from './dockerignore';

test('.dockerignore: globs per segment, directories exclude their contents, ! re-includes, last match wins', () => {
  const rules = parseDockerignore('# comment\n*.log\n!keep.log\nsecret/\n**/tmp\ndocs/*.md\n');
  assert.equal(isIgnored('a.log', rules), true);
  assert.equal(isIgnored('keep.log', rules), false);
  assert.equal(isIgnored('sub/a.log', rules), false, '* does not cross a slash');
  assert.equal(isIgnored('secret/key', rules), true);
  assert.equal(isIgnored('a/b/tmp/x', rules), true);
  assert.equal(isIgnored('tmp', rules), true);
  assert.equal(isIgnored('docs/x.md', rules), true);
  assert.equal(isIgnored('docs/sub/x.md', rules), false);
  assert.equal(isIgnored('Dockerfile', rules), false);
});

test('globRegExp: ?, [a-c] and ** in the middle', () => {
  assert.ok(globRegExp('f?le[a-c].txt').test('file1.txt') === false);
  assert.ok(globRegExp('f?le[a-c].txt').test('fileb.txt'));
  assert.ok(globRegExp('a/**/z').test('a/z'));
  assert.ok(globRegExp('a/**/z').test('a/b/c/z'));
  assert.ok(!globRegExp('a/**/z').test('b/z'));
});
