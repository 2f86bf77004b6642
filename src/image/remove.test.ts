// rmi / image prune semantics (docker's), and garbage collection: shared layers stay, container layers stay,
// collection waits for writers holding the content lease.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTar } from '../archive/tar-writer';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { ConflictError, NotFoundError } from '../errors/errors';
import { silentLogger } from '../log/log';
import { Layout } from '../store/layout';
import { collectGarbage } from './gc';
import { withContentLease } from './lease';
import { pruneImages, removeImage, removeImages, type ContainerUse } from './remove';
import { readRepositories } from './repositories';
import { ImageStore } from './store';

let tmp: string;
let n = 0;
before(() => (tmp = makeTempDir('remove')));
after(() => removeDir(tmp));
const ls = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);

async function setup() {
  const dir = path.join(tmp, `s${n++}`);
  const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
  const store = new ImageStore(layout, silentLogger);
  const tar = (name: string) => {
    const p = path.join(dir, `${name}.tar`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(p, buildTar([{ entry: { path: name, type: 'file' }, body: `${name}\n`.repeat(100) }]));
    return p;
  };
  const base = await store.importTarball(tar('base'), 'base:1');
  const top = await store.addLayer(fs.createReadStream(tar('top')));
  const app = await store.createImage([base.diffIds[0], top.diffId], {}, 'app:1');
  return { layout, store, base, app };
}

describe('rmi', () => {
  it('untags while other names remain, deletes with the last, and collects only what nothing uses', async () => {
    const { layout, store, base, app } = await setup();
    await store.tag('app:1', 'app:2');
    assert.deepEqual(await removeImage(layout, silentLogger, 'app:1', { force: false, containers: [] }), [{ kind: 'untagged', value: 'app:1' }]);
    const res = await removeImages(layout, silentLogger, ['app:2'], { force: false, containers: [] });
    assert.deepEqual(res.events, [{ kind: 'untagged', value: 'app:2' }, { kind: 'deleted', value: app.id }]);
    assert.ok(res.reclaimed > 0);
    assert.deepEqual(ls(layout.layersDir), [base.diffIds[0].slice(7)], 'the shared base layer stays');
    assert.equal((await store.resolve('base:1')).id, base.id);
    assert.equal(ls(layout.blobsDir).length, 3, 'base: manifest, config, layer blob');
    assert.deepEqual(ls(layout.tmpDir), []);
  });

  it('follows docker on ids, repositories and containers', async () => {
    const { layout, store, app } = await setup();
    await store.tag('app:1', 'other/app:1');
    await assert.rejects(removeImage(layout, silentLogger, app.id.slice(7, 19), { force: false, containers: [] }), (e: unknown) => e instanceof ConflictError && /referenced in multiple repositories/.test(e.message));
    const uses: ContainerUse[] = [{ id: 'c'.repeat(64), imageId: app.id, lowerDirs: app.layerDirs }];
    await store.tag('app:1', 'app:2');
    assert.deepEqual(await removeImage(layout, silentLogger, 'app:2', { force: false, containers: uses }), [{ kind: 'untagged', value: 'app:2' }], 'not the last name: fine');
    await removeImage(layout, silentLogger, 'other/app:1', { force: false, containers: uses });
    await assert.rejects(removeImage(layout, silentLogger, 'app:1', { force: false, containers: uses }), /unable to remove repository reference "app:1" \(must force\) - container cccccccccccc is using its referenced image/);
    const res = await removeImages(layout, silentLogger, ['app:1'], { force: true, containers: uses });
    assert.deepEqual(res.events.map((e) => e.kind), ['untagged', 'deleted']);
    for (const d of app.layerDirs) assert.ok(fs.existsSync(d), 'layers a container mounts stay');
    await assert.rejects(removeImage(layout, silentLogger, 'app:1', { force: false, containers: [] }), NotFoundError);
    const after = await removeImages(layout, silentLogger, ['nope', 'base:1'], { force: false, containers: [] });
    assert.equal(after.errors.length, 1);
    assert.deepEqual(after.events.map((e) => e.kind), ['untagged', 'deleted']);
  });

  it('removing the last tag of a repository drops its digest references too', async () => {
    const { layout, store, app } = await setup();
    const digestKey = `docker.io/library/app@${app.manifestDigest}`;
    const { updateRepositories } = await import('./repositories');
    await updateRepositories(layout, (r) => void (r.refs[digestKey] = { manifest: app.manifestDigest, id: app.id }));
    assert.deepEqual((await store.resolve('app:1')).repoDigests, [`app@${app.manifestDigest}`]);
    const events = await removeImage(layout, silentLogger, 'app:1', { force: false, containers: [] });
    assert.deepEqual(events, [{ kind: 'untagged', value: 'app:1' }, { kind: 'untagged', value: `app@${app.manifestDigest}` }, { kind: 'deleted', value: app.id }]);
  });
});

describe('image prune', () => {
  it('removes dangling images, and with -a every image no container uses', async () => {
    const { layout, store, base, app } = await setup();
    const tar = path.join(layout.root, '..', 'base.tar');
    const dangling = await store.importTarball(tar, undefined);
    const uses: ContainerUse[] = [{ id: 'd'.repeat(64), imageId: base.id, lowerDirs: base.layerDirs }];
    const first = await pruneImages(layout, silentLogger, { all: false, containers: uses });
    assert.deepEqual(first.events, [{ kind: 'deleted', value: dangling.id }]);
    const second = await pruneImages(layout, silentLogger, { all: true, containers: uses });
    assert.deepEqual(second.events, [{ kind: 'untagged', value: 'app:1' }, { kind: 'deleted', value: app.id }]);
    assert.ok(second.reclaimed > 0);
    assert.deepEqual(Object.keys(readRepositories(layout).images), [base.id]);
    const none = await pruneImages(layout, silentLogger, { all: true, containers: uses });
    assert.deepEqual(none, { events: [], reclaimed: 0 });
  });
});

describe('garbage collection', () => {
  it('waits for a content lease held in this process', async () => {
    const { layout } = await setup();
    let release!: () => void;
    const held = withContentLease(layout, () => new Promise<void>((r) => (release = r)));
    let done = false;
    const gc = collectGarbage(layout, silentLogger).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(done, false);
    release();
    await held;
    await gc;
    assert.equal(done, true);
  });

  it('waits for a content lease held by another process, and ifIdle gives up at once', async () => {
    const { layout } = await setup();
    const script = `
      const { withContentLease } = require(${JSON.stringify(path.join(__dirname, 'lease.js'))});
      const { Layout } = require(${JSON.stringify(path.join(__dirname, '../store/layout.js'))});
      withContentLease(new Layout({ root: process.argv[1], runroot: process.argv[2] }), async () => {
        process.stdout.write('held\\n');
        await new Promise((r) => setTimeout(r, 400));
      });`;
    const child = execFile(process.execPath, ['-e', script, layout.root, layout.runroot]);
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    const skipped = await collectGarbage(layout, silentLogger, { ifIdle: true });
    assert.deepEqual(skipped, { blobs: [], layers: [], reclaimed: 0 });
    const t0 = Date.now();
    let waited = false;
    await collectGarbage(layout, silentLogger, { onWait: () => (waited = true) });
    assert.ok(waited && Date.now() - t0 >= 200, 'collection waited for the other process');
    await exited;
  });

  it('stops rather than guess when a referenced blob is unreadable', async () => {
    const { layout, app } = await setup();
    fs.rmSync(layout.blobPath(app.manifestDigest));
    const before = ls(layout.blobsDir);
    await assert.rejects(collectGarbage(layout, silentLogger), /referenced blob .* is unreadable/);
    assert.deepEqual(ls(layout.blobsDir), before);
  });
});
