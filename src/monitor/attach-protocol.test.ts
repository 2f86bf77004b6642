import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FrameReader, frame, resizeFrame } from './attach-protocol';

function monitorFrame(type: string, payload: string | Buffer): Buffer {
  const p = Buffer.from(payload);
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeUInt32LE(p.length, 1);
  return Buffer.concat([h, p]);
}

test('frames split across chunks are reassembled in order', () => {
  const r = new FrameReader();
  const all = Buffer.concat([monitorFrame('O', 'hello '), monitorFrame('E', 'err'), monitorFrame('X', '{"exitCode":3,"signal":0,"oomKilled":false,"finishedAt":"t"}')]);
  const frames = [];
  for (let i = 0; i < all.length; i += 3) frames.push(...r.push(all.subarray(i, i + 3)));
  assert.equal(frames.length, 3);
  assert.deepEqual(frames[0], { type: 'O', data: Buffer.from('hello ') });
  assert.deepEqual(frames[1], { type: 'E', data: Buffer.from('err') });
  assert.deepEqual(frames[2], { type: 'X', exit: { exitCode: 3, signal: 0, oomKilled: false, finishedAt: 't' } });
});

test('client frames: type, little-endian length, payload', () => {
  assert.deepEqual([...frame('I', Buffer.from('ab'))], [73, 2, 0, 0, 0, 97, 98]);
  assert.deepEqual([...resizeFrame(40, 132)], [87, 4, 0, 0, 0, 40, 0, 132, 0]);
});
