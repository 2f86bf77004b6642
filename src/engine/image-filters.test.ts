import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { filterImages, referencePattern } from './image-filters';
import type { ImageRecord } from '../image/store';

const image = (id: string, created: string, repoTags: string[], labels: Record<string, string> = {}) =>
  ({ id, created, repoTags, repoDigests: [], manifestDigest: '', config: { Labels: labels }, diffIds: [], layerDirs: [], size: 0, architecture: 'amd64', os: 'linux' }) as unknown as ImageRecord;

const IMAGES = [
  image('sha256:a', '2024-01-01T00:00:00Z', ['busybox:latest']),
  image('sha256:b', '2024-02-01T00:00:00Z', ['app:1', 'team/app:2'], { tier: 'web' }),
  image('sha256:c', '2024-03-01T00:00:00Z', []),
];
const find = async (ref: string) => {
  const hit = IMAGES.find((i) => i.id === ref || i.repoTags.includes(ref));
  if (!hit) throw new Error(`no such image: ${ref}`);
  return hit;
};
const ids = async (...filters: string[]) => (await filterImages(IMAGES, filters, find)).map((i) => `${i.id}:${i.repoTags.join(',')}`);

test("reference patterns are Go's path.Match: * and ? stay inside a path component", () => {
  assert.ok(referencePattern('app*').test('app:1'));
  assert.ok(!referencePattern('*').test('team/app'));
  assert.ok(referencePattern('*/app').test('team/app'));
  assert.ok(referencePattern('app:?').test('app:1'));
  assert.ok(referencePattern('[ab]pp').test('app'));
  assert.ok(!referencePattern('[^a]pp').test('app'));
  assert.ok(referencePattern('a.p').test('a.p') && !referencePattern('a.p').test('axp'));
});

test('each filter, and a reference filter narrows the tags listed', async () => {
  assert.deepEqual(await ids('dangling=true'), ['sha256:c:']);
  assert.deepEqual(await ids('dangling=false'), ['sha256:a:busybox:latest', 'sha256:b:app:1,team/app:2']);
  assert.deepEqual(await ids('label=tier=web'), ['sha256:b:app:1,team/app:2']);
  assert.deepEqual(await ids('label=tier=db'), []);
  assert.deepEqual(await ids('reference=app'), ['sha256:b:app:1']);
  assert.deepEqual(await ids('reference=*/app:2'), ['sha256:b:team/app:2']);
  assert.deepEqual(await ids('before=app:1'), ['sha256:a:busybox:latest']);
  assert.deepEqual(await ids('since=app:1'), ['sha256:c:']);
  assert.deepEqual(await ids('until=2024-01-15T00:00:00Z'), ['sha256:a:busybox:latest']);
  await assert.rejects(ids('dangling=maybe'), /invalid filter 'dangling=maybe'/);
  await assert.rejects(ids('colour=red'), /invalid filter 'colour=red'/);
  await assert.rejects(ids('before=nope'), /no such image: nope/);
});
