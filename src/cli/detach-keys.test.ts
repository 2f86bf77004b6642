import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DetachMatcher, parseDetachKeys } from './detach-keys';

describe('parseDetachKeys', () => {
  test("docker's default and a mixed sequence", () => {
    assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [0x10, 0x11]);
    assert.deepEqual([...parseDetachKeys('ctrl-a,x')], [0x01, 0x78]);
    assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-_')], [0, 27, 28, 31]);
    assert.deepEqual([...parseDetachKeys('a')], [0x61]);
  });
  test('unknown keys are refused with the key named', () => {
    assert.throws(() => parseDetachKeys('ctrl-p,foo'), /invalid detach keys \(ctrl-p,foo\): unknown character 'foo'/);
    assert.throws(() => parseDetachKeys('ctrl-1'), /unknown character 'ctrl-1'/);
    assert.throws(() => parseDetachKeys(''), /unknown character ''/);
  });
});

describe('DetachMatcher', () => {
  const keys = parseDetachKeys('ctrl-a,x');
  test('the whole sequence detaches; bytes before it go on', () => {
    const m = new DetachMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('ab\x01x')), { forward: Buffer.from('ab'), detach: true });
  });
  test('a sequence split over chunks', () => {
    const m = new DetachMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('\x01')), { forward: Buffer.alloc(0), detach: false });
    assert.deepEqual(m.feed(Buffer.from('x')), { forward: Buffer.alloc(0), detach: true });
  });
  test('a broken prefix sends the held bytes on', () => {
    const m = new DetachMatcher(keys);
    assert.deepEqual(m.feed(Buffer.from('\x01y')), { forward: Buffer.from('\x01y'), detach: false });
    assert.deepEqual(m.feed(Buffer.from('\x01\x01x')), { forward: Buffer.from('\x01'), detach: true });
  });
  test('ctrl-p alone is not a detach with the default keys', () => {
    const m = new DetachMatcher(parseDetachKeys('ctrl-p,ctrl-q'));
    assert.deepEqual(m.feed(Buffer.from('\x10a')), { forward: Buffer.from('\x10a'), detach: false });
  });
});
