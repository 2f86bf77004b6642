import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mergeVolumesFrom, parseVolumesFrom } from './volumes-from';
import type { MountPoint } from './container-mounts';
import type { ContainerRecord } from './container-store';
import { NotFoundError } from '../errors/errors';

const vol = (dst: string, over: Partial<MountPoint> = {}): MountPoint => ({
  Type: 'volume', Name: `v${dst.replace(/\//g, '_')}`, Source: `/var/v${dst}`, Destination: dst, Driver: 'local', Mode: '', RW: true, Propagation: '', ...over,
});

const donor = { mounts: [vol('/data', { Anonymous: true }), vol('/ro', { RW: false, Mode: 'ro' }), { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '' }, vol('/mine')] } as unknown as ContainerRecord;
const resolve = (ref: string) => {
  if (ref !== 'd') throw new NotFoundError(`no such container: ${ref}`);
  return donor;
};

test('--volumes-from: CONTAINER[:ro|rw], other modes refused', () => {
  assert.deepEqual(parseVolumesFrom('d'), { container: 'd' });
  assert.deepEqual(parseVolumesFrom('d:ro'), { container: 'd', mode: 'ro' });
  assert.deepEqual(parseVolumesFrom('d:rw,z'), { container: 'd', mode: 'rw' });
  assert.throws(() => parseVolumesFrom('d:rx'), /invalid mode "rx"/);
  assert.throws(() => parseVolumesFrom(':ro'), /expected CONTAINER/);
});

test('--volumes-from: the donor\'s volumes and binds at the same paths, own mounts win, tmpfs not copied, never removed with this one', () => {
  const own = [vol('/mine', { Name: 'own' })];
  const merged = mergeVolumesFrom(own, [{ container: 'd' }], resolve);
  assert.deepEqual(merged.map((m) => m.Destination).sort(), ['/data', '/mine', '/ro']);
  assert.equal(merged.find((m) => m.Destination === '/mine')!.Name, 'own');
  const data = merged.find((m) => m.Destination === '/data')!;
  assert.equal(data.Anonymous, undefined);
  assert.equal(data.NoCopy, true);
  assert.equal(merged.find((m) => m.Destination === '/ro')!.RW, false);
  const ro = mergeVolumesFrom([], [{ container: 'd', mode: 'ro' }], resolve);
  assert.ok(ro.every((m) => !m.RW));
  const rw = mergeVolumesFrom([], [{ container: 'd', mode: 'rw' }], resolve);
  assert.ok(rw.every((m) => m.RW));
  assert.throws(() => mergeVolumesFrom([], [{ container: 'nope' }], resolve), /no such container: nope/);
});
