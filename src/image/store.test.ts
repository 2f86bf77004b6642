import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { buildTar, type TarInput } from '../archive/tar-writer';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { InternalError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { silentLogger } from '../log/log';
import { Layout } from '../store/layout';
import type { OciImageConfig, OciManifest } from './oci';
import { readRepositories } from './repositories';
import { ImageStore } from './store';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const rootfs: TarInput[] = [
  { entry: { path: 'bin/', type: 'dir', mtime: 100 } },
  { entry: { path: 'bin/app', type: 'file', mode: 0o755, mtime: 100 }, body: '#!/bin/sh\necho hi\n' },
  { entry: { path: 'etc/', type: 'dir', mtime: 100 } },
  { entry: { path: 'etc/os-release', type: 'file', mtime: 100 }, body: 'ID=test\n' },
];

describe('ImageStore', () => {
  let tmp: string;
  let n = 0;
  let tarFile: string;
  let gzFile: string;
  let tar: Buffer;
  const fresh = () => {
    const dir = path.join(tmp, `store-${n++}`);
    const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
    return { layout, store: new ImageStore(layout, silentLogger) };
  };
  const dirs = (p: string) => (fs.existsSync(p) ? fs.readdirSync(p) : []);

  before(() => {
    tmp = makeTempDir('store');
    tar = buildTar(rootfs);
    tarFile = path.join(tmp, 'rootfs.tar');
    gzFile = path.join(tmp, 'rootfs.tar.gz');
    fs.writeFileSync(tarFile, tar);
    fs.writeFileSync(gzFile, zlib.gzipSync(tar));
  });
  after(() => removeDir(tmp));

  it('imports a tarball as a real OCI image', async () => {
    const { layout, store } = fresh();
    const img = await store.importTarball(gzFile, 'test/app:1', { changes: { Cmd: ['/bin/app'], Env: ['A=1'] }, message: 'first' });
    assert.match(img.id, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(img.repoTags, ['test/app:1']);
    assert.deepEqual(img.diffIds, [sha(tar)]);
    assert.deepEqual(img.config, { Env: ['A=1'], Cmd: ['/bin/app'] });
    assert.equal(img.size, 26);
    assert.equal(img.architecture, 'amd64');
    assert.equal(img.os, 'linux');
    assert.equal(fs.readFileSync(path.join(img.layerDirs[0], 'bin/app'), 'utf8'), '#!/bin/sh\necho hi\n');

    const manifestBytes = fs.readFileSync(layout.blobPath(img.manifestDigest));
    assert.equal(sha(manifestBytes), img.manifestDigest);
    const manifest = JSON.parse(manifestBytes.toString()) as OciManifest;
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
    assert.equal(manifest.config.digest, img.id);
    const gz = fs.readFileSync(gzFile);
    assert.deepEqual(manifest.layers, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length }]);
    assert.deepEqual(fs.readFileSync(layout.blobPath(sha(gz))), gz, 'the layer blob is stored as received');
    const configBytes = fs.readFileSync(layout.blobPath(img.id));
    assert.equal(manifest.config.size, configBytes.length);
    const config = JSON.parse(configBytes.toString()) as OciImageConfig;
    assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [sha(tar)] });
    assert.equal(config.history?.[0].comment, 'first');
    assert.equal(config.os, 'linux');
    assert.deepEqual(readRepositories(layout).refs, { 'docker.io/test/app:1': { manifest: img.manifestDigest, id: img.id } });
    assert.deepEqual(dirs(layout.tmpDir), []);
  });

  it('shares one layer dir between imports of the same content', async () => {
    const { layout, store } = fresh();
    const a = await store.importTarball(tarFile, 'a');
    const b = await store.importTarball(tarFile, 'b', { changes: { Cmd: ['sh'] } });
    const c = await store.importTarball(gzFile, 'c');
    assert.notEqual(a.id, b.id);
    assert.deepEqual(a.layerDirs, b.layerDirs);
    assert.deepEqual(a.layerDirs, c.layerDirs);
    assert.deepEqual(dirs(layout.layersDir), [sha(tar).slice(7)]);
    assert.deepEqual((await store.list()).map((i) => i.repoTags[0]).sort(), ['a:latest', 'b:latest', 'c:latest']);
    assert.deepEqual(dirs(layout.tmpDir), []);
  });

  it('unpacks a layer once when two promises add it at the same time', async () => {
    const { layout, store } = fresh();
    const [x, y] = await Promise.all([store.addLayer(fs.createReadStream(tarFile)), store.addLayer(fs.createReadStream(gzFile))]);
    assert.equal(x.diffId, sha(tar));
    assert.deepEqual(x, y);
    assert.deepEqual(dirs(layout.layersDir), [sha(tar).slice(7)]);
    assert.deepEqual(dirs(layout.tmpDir), []);
  });

  it('unpacks a layer once when two processes add it at the same time', async () => {
    const { layout } = fresh();
    const script = `
      const fs = require('fs');
      const { ImageStore } = require(${JSON.stringify(path.join(__dirname, 'store.js'))});
      const { Layout } = require(${JSON.stringify(path.join(__dirname, '../store/layout.js'))});
      const { silentLogger } = require(${JSON.stringify(path.join(__dirname, '../log/log.js'))});
      const store = new ImageStore(new Layout({ root: process.argv[1], runroot: process.argv[2] }), silentLogger);
      store.addLayer(fs.createReadStream(process.argv[3]))
        .then((r) => store.createImage([r.diffId], {}, 'race:' + process.argv[4]).then(() => process.stdout.write(JSON.stringify(r))))
        .catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });`;
    const run = (i: number) => promisify(execFile)(process.execPath, ['-e', script, layout.root, layout.runroot, i % 2 ? gzFile : tarFile, String(i)]);
    const results = await Promise.all([0, 1, 2, 3].map(run));
    const parsed = results.map((r) => JSON.parse(r.stdout) as { diffId: string; dir: string });
    for (const p of parsed) assert.deepEqual(p, parsed[0]);
    assert.deepEqual(dirs(layout.layersDir), [sha(tar).slice(7)]);
    assert.deepEqual(dirs(layout.tmpDir), []);
    assert.equal(Object.keys(readRepositories(layout).refs).length, 4, 'no update of repositories.json was lost');
  });

  it('leaves no reference and no staging dirs after a failed import', async () => {
    const { layout, store } = fresh();
    await store.importTarball(tarFile, 'keep');
    const truncated = path.join(tmp, 'truncated.tar');
    fs.writeFileSync(truncated, tar.subarray(0, 512 * 2 + 10));
    await assert.rejects(store.importTarball(truncated, 'broken:1'), (err: unknown) => err instanceof InvalidArgumentError && /truncated entry bin\/app/.test(err.message));
    const truncatedGz = path.join(tmp, 'truncated.tar.gz');
    fs.writeFileSync(truncatedGz, zlib.gzipSync(buildTar([{ entry: { path: 'big', type: 'file' }, body: randomBytes(100000) }])).subarray(0, 50000));
    await assert.rejects(store.importTarball(truncatedGz, 'broken:2'), InvalidArgumentError);
    const repos = readRepositories(layout);
    assert.deepEqual(Object.keys(repos.refs), ['docker.io/library/keep:latest']);
    assert.equal(Object.keys(repos.images).length, 1);
    assert.deepEqual(dirs(layout.tmpDir), []);
    assert.deepEqual(dirs(layout.layersDir), [sha(tar).slice(7)]);
  });

  it('refuses a bad name or a missing file before writing anything', async () => {
    const { layout, store } = fresh();
    await assert.rejects(store.importTarball(tarFile, 'Bad'), /repository name must be lowercase/);
    await assert.rejects(store.importTarball(path.join(tmp, 'nope.tar'), 'x'), (err: unknown) => err instanceof NotFoundError && /no such file or directory/.test(err.message));
    assert.deepEqual(dirs(layout.layersDir), []);
  });

  it('resolves names, ids, id prefixes and digests; tags move', async () => {
    const { store } = fresh();
    const a = await store.importTarball(tarFile, 'localhost:5000/x:1');
    const b = await store.importTarball(tarFile, undefined, { changes: { User: 'nobody' } });
    assert.deepEqual(b.repoTags, []);
    assert.equal((await store.resolve('localhost:5000/x:1')).id, a.id);
    assert.equal((await store.resolve(a.id)).id, a.id);
    assert.equal((await store.resolve(a.id.slice(7))).id, a.id);
    assert.equal((await store.resolve(a.id.slice(7, 19))).id, a.id);
    assert.equal((await store.resolve(`localhost:5000/x@${a.manifestDigest}`)).id, a.id);
    await assert.rejects(store.resolve('nope'), (err: unknown) => err instanceof NotFoundError && err.message === "unable to find image 'nope:latest' locally");
    await assert.rejects(store.resolve('localhost:5000/x:2'), /unable to find image 'localhost:5000\/x:2' locally/);

    await store.tag(a.id.slice(7, 19), 'other');
    assert.deepEqual((await store.resolve('other')).repoTags, ['localhost:5000/x:1', 'other:latest']);
    await store.tag(b.id, 'localhost:5000/x:1');
    assert.deepEqual((await store.resolve(a.id)).repoTags, ['other:latest']);
    assert.deepEqual((await store.resolve(b.id)).repoTags, ['localhost:5000/x:1']);
    await assert.rejects(store.tag(a.id, `x@${a.manifestDigest}`), /digest reference/);
    assert.equal((await store.list()).length, 2);
  });

  it('refuses unknown layers and detects corrupt blobs', async () => {
    const { layout, store } = fresh();
    await assert.rejects(store.createImage([sha(Buffer.from('nothing'))], {}, 'x'), NotFoundError);
    const img = await store.importTarball(tarFile, 'x');
    fs.writeFileSync(layout.blobPath(img.id), '{}');
    await assert.rejects(store.resolve('x'), (err: unknown) => err instanceof InternalError && /is corrupt/.test(err.message));
  });

  it('removes staging dirs left by dead processes', async () => {
    const { layout, store } = fresh();
    fs.mkdirSync(path.join(layout.tmpDir, 'image-layer-999999999-1-abcdef'), { recursive: true });
    fs.mkdirSync(path.join(layout.tmpDir, 'someone-elses'), { recursive: true });
    await store.addLayer(fs.createReadStream(tarFile));
    assert.deepEqual(dirs(layout.tmpDir), ['someone-elses']);
  });
});
