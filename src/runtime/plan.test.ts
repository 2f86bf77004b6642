import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodePlan, PLAN_MAGIC, T } from './plan';
import { samplePlan } from './testing/plan-sample';

/** Walks the top-level records: [tag, value] pairs. */
function records(buf: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let off = 12; off < buf.length;) {
    const tag = buf.readUInt16LE(off);
    const len = buf.readUInt32LE(off + 2);
    out.push([tag, buf.subarray(off + 6, off + 6 + len)]);
    off += 6 + len;
  }
  return out;
}

test('header carries the magic and the body length', () => {
  const buf = encodePlan(samplePlan());
  assert.equal(buf.subarray(0, 8).toString('latin1'), PLAN_MAGIC);
  assert.equal(buf.readUInt32LE(8), buf.length - 12);
});

test('argv order and bytes are preserved exactly (quoting survives)', () => {
  const argv = ['sh', '-c', 'echo "a b" \'c\'', '', 'ünï'];
  const recs = records(encodePlan(samplePlan({ argv })));
  assert.deepEqual(recs.filter(([t]) => t === T.ARG).map(([, v]) => v.toString('utf8')), argv);
});

test('integers are u64 little-endian', () => {
  const recs = records(encodePlan(samplePlan({ uid: 1000, nsCreate: 0x7c020000 })));
  assert.equal(recs.find(([t]) => t === T.UID)![1].readBigUInt64LE(), 1000n);
  assert.equal(recs.find(([t]) => t === T.NS_CREATE)![1].readBigUInt64LE(), 0x7c020000n);
});

test('strings with NUL are refused before they reach C', () => {
  assert.throws(() => encodePlan(samplePlan({ argv: ['a\0b'] })), /NUL/);
});

test('user namespace maps, the session keyring and seccomp flags are encoded', () => {
  const recs = records(encodePlan(samplePlan({ uidMap: '0 100000 65536\n', gidMap: '0 200000 10\n', sessionKeyring: '_ses.x', seccompFlags: 4 })));
  const str = (tag: number) => recs.find(([t]) => t === tag)?.[1].toString('utf8');
  assert.equal(str(T.UID_MAP), '0 100000 65536\n');
  assert.equal(str(T.GID_MAP), '0 200000 10\n');
  assert.equal(str(T.SESSION_KEYRING), '_ses.x');
  assert.equal(recs.find(([t]) => t === T.SECCOMP_FLAGS)![1].readBigUInt64LE(), 4n);
});
