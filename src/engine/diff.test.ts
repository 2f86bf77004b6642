import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffLayers, lowerEntry, type TreeEntry, type TreeReader } from './diff';

type Spec = 'dir' | 'opaque' | 'file' | 'whiteout' | { type: TreeEntry['type']; mode?: number; mtimeMs?: number; opaque?: boolean };

/** Trees as maps from "/"-rooted paths to entries; every layer gets its root directory. */
function fakeTree(layers: Record<string, Record<string, Spec>>): TreeReader {
  const entry = (s: Spec): TreeEntry => {
    const base: TreeEntry = { type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeMs: 1000, opaque: false };
    if (s === 'dir') return { ...base, type: 'dir', mode: 0o755 };
    if (s === 'opaque') return { ...base, type: 'dir', mode: 0o755, opaque: true };
    if (s === 'file') return base;
    if (s === 'whiteout') return { ...base, type: 'whiteout', mode: 0 };
    return { ...base, mode: s.type === 'dir' ? 0o755 : 0o644, ...s };
  };
  return {
    entry(root, rel) {
      if (rel === '/') return entry('dir');
      const s = layers[root]?.[rel];
      return s === undefined ? undefined : entry(s);
    },
    children(root, rel) {
      const prefix = rel === '/' ? '/' : `${rel}/`;
      return Object.keys(layers[root] ?? {}).filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length));
    },
  };
}

const lines = (changes: { kind: string; path: string }[]) => changes.map((c) => `${c.kind} ${c.path}`);

const IMAGE = { '/bin': 'dir', '/bin/ls': 'file', '/bin/sh': 'file', '/etc': 'dir', '/etc/passwd': 'file', '/home': 'dir', '/home/u': 'file', '/tmp': 'dir' } as const;

test('whiteouts are D, new paths A, copied-up files C; their parent directories are C', () => {
  const tree = fakeTree({
    lower: IMAGE,
    upper: {
      '/bin': { type: 'dir', mtimeMs: 2000 }, '/bin/ls': 'whiteout', '/etc': { type: 'dir', mtimeMs: 2000 }, '/etc/passwd': 'file',
      '/new': 'file', '/tmp': { type: 'dir', mtimeMs: 2000 }, '/tmp/d': 'dir', '/tmp/d/f': 'file', '/home': 'whiteout',
    },
  });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), [
    'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'D /home', 'A /new', 'C /tmp', 'A /tmp/d', 'A /tmp/d/f',
  ]);
});

test('a directory copied up unchanged is not listed; a mode change is', () => {
  const tree = fakeTree({ lower: IMAGE, upper: { '/etc': 'dir', '/bin': { type: 'dir', mode: 0o700 } } });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), ['C /bin']);
});

test("the engine's mount targets are left out, and the directory they touched with them", () => {
  const tree = fakeTree({
    lower: IMAGE,
    upper: { '/etc': { type: 'dir', mtimeMs: 5000 }, '/etc/hosts': 'file', '/etc/resolv.conf': 'file', '/etc/hostname': 'file', '/dev': 'dir', '/dev/null': 'file', '/proc': 'dir' },
  });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), []);
});

test("--init's binding at /sbin/docker-init is the engine's too: neither it nor the /sbin it touched is listed", () => {
  const tree = fakeTree({ lower: { ...IMAGE, '/sbin': 'dir' }, upper: { '/sbin': { type: 'dir', mtimeMs: 5000 }, '/sbin/docker-init': 'file' } });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), []);
});

test('an opaque directory hides its lower children: those not recreated are D, the directory C', () => {
  const tree = fakeTree({ lower: IMAGE, upper: { '/home': 'opaque', '/home/v': 'file' } });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), ['C /home', 'D /home/u', 'A /home/v']);
});

test('a whiteout over nothing visible changes nothing (the path was already gone in a higher layer)', () => {
  const tree = fakeTree({ top: { '/bin': 'dir', '/bin/ls': 'whiteout' }, base: IMAGE, upper: { '/bin/ls': 'whiteout', '/bin': 'dir' } });
  assert.equal(lowerEntry(tree, ['top', 'base'], '/bin/ls'), undefined);
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['top', 'base'])), []);
});

test('presence in the layers below: an opaque or whiteout directory in a higher layer hides what the base holds', () => {
  const tree = fakeTree({ top: { '/home': 'opaque' }, mid: { '/etc': 'whiteout' }, base: IMAGE });
  assert.equal(lowerEntry(tree, ['top', 'base'], '/home/u'), undefined);
  assert.equal(lowerEntry(tree, ['top', 'base'], '/home')?.type, 'dir');
  assert.equal(lowerEntry(tree, ['mid', 'base'], '/etc/passwd'), undefined);
  assert.equal(lowerEntry(tree, ['mid', 'base'], '/bin/sh')?.type, 'file');
});

test('a name sorting between a directory and its children keeps the directory and its children together', () => {
  const tree = fakeTree({ lower: {}, upper: { '/a': 'dir', '/a/x': 'file', '/a-b': 'file' } });
  assert.deepEqual(lines(diffLayers(tree, 'upper', ['lower'])), ['A /a', 'A /a/x', 'A /a-b']);
});
