// pull and push against an in-process registry: protocol paths (bearer/basic auth, manifest lists, resume,
// chunked upload, mounts) and hostile registries (wrong bytes, too many bytes, lying sizes, zstd).
import { after, afterEach, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../../archive/test-helpers';
import { MydockerError } from '../../errors/errors';
import { silentLogger } from '../../log/log';
import { Layout } from '../../store/layout';
import { readRepositories } from '../repositories';
import { ImageStore } from '../store';
import { storeCredentials } from './credentials';
import { pushImage } from './push';
import { pullImage } from './pull';
import { FakeRegistry } from './testing/fake-registry';
import { makeImage, publish, publishList } from './testing/test-image';

let tmp: string;
let n = 0;
const regs: FakeRegistry[] = [];
before(() => (tmp = makeTempDir('registry')));
after(() => removeDir(tmp));
afterEach(async () => {
  while (regs.length) await regs.pop()!.stop();
});

function fresh() {
  const dir = path.join(tmp, `s${n++}`);
  const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
  return { layout, store: new ImageStore(layout, silentLogger), authFile: path.join(dir, 'auth.json') };
}

async function registry(opts: ConstructorParameters<typeof FakeRegistry>[0] = {}): Promise<FakeRegistry> {
  const r = new FakeRegistry(opts);
  await r.start();
  regs.push(r);
  return r;
}

const ls = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);
function contents(layout: Layout) {
  return { blobs: ls(layout.blobsDir), layers: ls(layout.layersDir), tmp: ls(layout.tmpDir), refs: Object.keys(readRepositories(layout).refs) };
}

const twoLayers = () => makeImage({ files: [{ 'bin/a': 'first layer\n' }, { 'etc/b': 'second layer\n', 'etc/c': randomBytes(70000) }], docker: true });

/** The same gzip layer with its header mtime changed: same size, same content, another digest. */
function flipInTar(gz: Buffer): Buffer {
  const out = Buffer.from(gz);
  out[5] ^= 1;
  return out;
}
describe('pull', () => {
  it('pulls a docker schema 2 image through bearer auth, byte-exact, and finds it up to date the second time', async () => {
    const reg = await registry({ auth: 'bearer' });
    const img = twoLayers();
    const digest = publish(reg, 'team/app', 'v1', img);
    const { layout, store, authFile } = fresh();
    const lines: string[] = [];
    const progress = { line: (t: string) => lines.push(t), layer: (id: string, s: string) => lines.push(`${id}: ${s}`) };
    const res = await pullImage(layout, silentLogger, `${reg.host}/team/app:v1`, { authFile, progress });
    assert.equal(res.digest, digest);
    assert.equal(res.upToDate, false);
    assert.equal(res.canonical, `${reg.host}/team/app:v1`);
    const rec = await store.resolve(`${reg.host}/team/app:v1`);
    assert.equal(rec.manifestDigest, digest, 'the registry manifest is stored as received');
    assert.deepEqual(fs.readFileSync(layout.blobPath(digest)), img.manifest);
    assert.deepEqual(rec.diffIds, img.diffIds);
    assert.equal(fs.readFileSync(path.join(rec.layerDirs[1], 'etc/b'), 'utf8'), 'second layer\n');
    assert.deepEqual(rec.repoDigests, [`${reg.host}/team/app@${digest}`]);
    assert.ok(lines.includes(`Digest: ${digest}`));
    assert.ok(lines.includes(`Status: Downloaded newer image for ${reg.host}/team/app:v1`));
    assert.ok(lines.includes(`${createHash('sha256').update(img.layers[0]).digest('hex').slice(0, 12)}: Pull complete`));
    assert.deepEqual(contents(layout).tmp, []);
    assert.ok(reg.count('GET /token') >= 1, 'a token was fetched');

    const gets = reg.count('GET /v2/team/app/blobs/');
    const again = await pullImage(layout, silentLogger, `${reg.host}/team/app:v1`, { authFile });
    assert.equal(again.upToDate, true);
    assert.equal(reg.count('GET /v2/team/app/blobs/'), gets + 1, 'only the config is fetched again');
  });

  it('picks the linux/amd64 image from a manifest list and records the list digest', async () => {
    const reg = await registry();
    const amd = makeImage({ files: [{ 'arch': 'amd64\n' }] });
    const arm = makeImage({ files: [{ 'arch': 'arm64\n' }], arch: 'arm64' });
    const listDigest = publishList(reg, 'multi', 'latest', [{ img: arm, arch: 'arm64' }, { img: amd, arch: 'amd64' }]);
    const { layout, store, authFile } = fresh();
    const res = await pullImage(layout, silentLogger, `${reg.host}/multi`, { authFile });
    assert.equal(res.digest, listDigest);
    const rec = await store.resolve(`${reg.host}/multi:latest`);
    assert.equal(rec.manifestDigest, amd.manifestDigest);
    assert.equal(fs.readFileSync(path.join(rec.layerDirs[0], 'arch'), 'utf8'), 'amd64\n');
    assert.equal((await store.resolve(`${reg.host}/multi@${listDigest}`)).id, rec.id, 'the list digest resolves');
    assert.equal(reg.count(`GET /v2/multi/blobs/${arm.manifestDigest}`), 0);

    publishList(reg, 'armonly', 'latest', [{ img: arm, arch: 'arm64' }]);
    await assert.rejects(pullImage(layout, silentLogger, `${reg.host}/armonly`, { authFile }), /no image for linux\/amd64 in the manifest list \(it has: linux\/arm64\)/);
  });

  it('pulls by digest', async () => {
    const reg = await registry();
    const img = makeImage({ files: [{ x: 'by digest\n' }] });
    const digest = publish(reg, 'pinned', undefined, img);
    const { layout, store, authFile } = fresh();
    const res = await pullImage(layout, silentLogger, `${reg.host}/pinned@${digest}`, { authFile });
    assert.equal(res.reference, `${reg.host}/pinned@${digest}`);
    const rec = await store.resolve(`${reg.host}/pinned@${digest}`);
    assert.deepEqual(rec.repoTags, []);
    assert.deepEqual(rec.repoDigests, [`${reg.host}/pinned@${digest}`]);
  });

  it('resumes a dropped download with Range, and copes with a registry that ignores Range', async () => {
    const reg = await registry();
    const img = makeImage({ files: [{ big: Buffer.alloc(300000, 1), more: 'x' }], gzip: false });
    publish(reg, 'flaky', 'latest', img);
    const layerDigest = JSON.parse(img.manifest.toString()).layers[0].digest as string;
    reg.bad.dropAfter = new Map([[layerDigest, { bytes: 100000, times: 2 }]]);
    const a = fresh();
    await pullImage(a.layout, silentLogger, `${reg.host}/flaky`, { authFile: a.authFile });
    assert.equal(fs.statSync(path.join((await a.store.resolve(`${reg.host}/flaky`)).layerDirs[0], 'big')).size, 300000);
    assert.equal(reg.count(`GET /v2/flaky/blobs/${layerDigest}`), 3);

    reg.bad.ignoreRange = true;
    reg.bad.dropAfter = new Map([[layerDigest, { bytes: 150000, times: 1 }]]);
    const b = fresh();
    await pullImage(b.layout, silentLogger, `${reg.host}/flaky`, { authFile: b.authFile });
    assert.ok(await b.store.find(`${reg.host}/flaky`));
  });

  it('accepts uncompressed OCI layers', async () => {
    const reg = await registry();
    publish(reg, 'plain', 'latest', makeImage({ files: [{ f: 'plain\n' }], gzip: false }));
    const { layout, store, authFile } = fresh();
    await pullImage(layout, silentLogger, `${reg.host}/plain`, { authFile });
    assert.equal(fs.readFileSync(path.join((await store.resolve(`${reg.host}/plain`)).layerDirs[0], 'f'), 'utf8'), 'plain\n');
  });

  describe('hostile registries: one clear error, nothing of the image stays', () => {
    const cases: [string, (reg: FakeRegistry, img: ReturnType<typeof twoLayers>, layer: string) => void, RegExp][] = [
      ['a layer whose bytes do not match its digest', (reg, _img, layer) => reg.bad.corrupt = new Map([[layer, Buffer.from(reg.blobs.get(layer)!.map((b, i) => (i === 40 ? b ^ 1 : b)))]]), /digest mismatch|gzip|invalid tar/],
      ['a layer with other valid content of the same size', (reg, _img, layer) => reg.bad.corrupt = new Map([[layer, flipInTar(reg.blobs.get(layer)!)]]), /digest mismatch: expected sha256:/],
      ['a registry that sends more bytes than the descriptor says', (reg, _img, layer) => reg.bad.extra = new Map([[layer, Buffer.alloc(10)]]), /more than the \d+ bytes|announces \d+ bytes/],
      ['a manifest that says a layer is smaller than it is', (reg, img) => lie(reg, img, (m) => (m.layers[1].size -= 100)), /more than the \d+ bytes|announces/],
      ['a manifest that says a layer is larger than it is', (reg, img) => lie(reg, img, (m) => (m.layers[1].size += 100)), /sent \d+ bytes, the manifest declares|has \d+ bytes, its descriptor says/],
      ['a config that does not match its digest', (reg, img) => reg.bad.corrupt = new Map([[JSON.parse(img.manifest.toString()).config.digest, Buffer.from(img.config.toString().replace('amd64', 'AMD64'))]]), /image config: digest mismatch/],
      ['a config listing other diff_ids', (reg, img) => lieConfig(reg, img), /uncompressed content has digest/],
      ['a zstd layer', (reg, img) => lie(reg, img, (m) => (m.layers[0].mediaType = 'application/vnd.oci.image.layer.v1.tar+zstd')), /unsupported layer compression zstd/],
      ['an unknown layer media type', (reg, img) => lie(reg, img, (m) => (m.layers[0].mediaType = 'application/x-evil')), /unsupported layer media type "application\/x-evil"/],
      ['a schema 1 manifest', (reg) => reg.putManifest('app', 'latest', Buffer.from('{"schemaVersion":1,"name":"app"}'), 'application/vnd.docker.distribution.manifest.v1+prettyjws'), /docker schema 1/],
    ];
    for (const [name, spoil, expected] of cases) {
      it(name, async () => {
        const reg = await registry();
        const img = twoLayers();
        publish(reg, 'app', 'latest', img);
        const layer = JSON.parse(img.manifest.toString()).layers[1].digest as string;
        spoil(reg, img, layer);
        const { layout, authFile } = fresh();
        const before = contents(layout);
        await assert.rejects(pullImage(layout, silentLogger, `${reg.host}/app`, { authFile }), (err: unknown) => {
          assert.ok(err instanceof MydockerError, String(err));
          assert.match(err.message, expected);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        });
        assert.deepEqual(contents(layout), before);
      });
    }

    it('a digest pull whose manifest is not the digest asked for', async () => {
      const reg = await registry();
      const img = twoLayers();
      publish(reg, 'app', undefined, img);
      const other = `sha256:${'1'.repeat(64)}`;
      reg.putManifest('app', undefined, img.manifest, img.mediaType);
      reg.manifests.set(`app:${other}`, { data: img.manifest, mediaType: img.mediaType });
      const { layout, authFile } = fresh();
      await assert.rejects(pullImage(layout, silentLogger, `${reg.host}/app@${other}`, { authFile }), /manifest digest mismatch/);
    });
  });

  it('basic auth: refused without credentials, accepted with them', async () => {
    const reg = await registry({ auth: 'basic', users: { alice: 'pw' } });
    publish(reg, 'private', 'latest', makeImage({ files: [{ s: 'secret\n' }] }));
    const { layout, authFile } = fresh();
    await assert.rejects(pullImage(layout, silentLogger, `${reg.host}/private`, { authFile }), (err: unknown) => err instanceof MydockerError && err.kind === 'PermissionDenied');
    storeCredentials(reg.host, { username: 'alice', password: 'pw' }, authFile);
    await pullImage(layout, silentLogger, `${reg.host}/private`, { authFile });
  });

  it('two pulls of one image at once fetch each layer once', async () => {
    const reg = await registry();
    const img = makeImage({ files: [{ a: Buffer.alloc(200000, 3) }, { b: Buffer.alloc(200000, 4) }, { c: 'c' }] });
    publish(reg, 'twice', 'latest', img);
    const { layout, authFile } = fresh();
    await Promise.all([pullImage(layout, silentLogger, `${reg.host}/twice`, { authFile }), pullImage(layout, silentLogger, `${reg.host}/twice`, { authFile })]);
    for (const l of JSON.parse(img.manifest.toString()).layers as { digest: string }[]) assert.equal(reg.count(`GET /v2/twice/blobs/${l.digest}`), 1, l.digest);
    assert.deepEqual(contents(layout).tmp, []);
  });
});

describe('push', () => {
  it('pushes byte-exact (chunked and whole), skips blobs the registry has, mounts across repositories', async () => {
    const src = await registry();
    const img = twoLayers();
    publish(src, 'orig', 'latest', img);
    const { layout, store, authFile } = fresh();
    await pullImage(layout, silentLogger, `${src.host}/orig`, { authFile });

    const dst = await registry({ auth: 'bearer' });
    await store.tag(`${src.host}/orig`, `${dst.host}/copy:1`);
    const res = await pushImage(layout, silentLogger, `${dst.host}/copy:1`, { authFile, chunkSize: 20000 });
    assert.equal(res.digest, img.manifestDigest, 'same manifest digest in the new registry');
    assert.deepEqual(dst.manifests.get('copy:1')?.data, img.manifest);
    for (const l of img.layers) assert.ok([...dst.blobs.values()].some((b) => b.equals(l)));
    assert.ok(dst.count('PATCH /v2/copy/blobs/uploads/') >= 2, 'the big layer went up in chunks');

    const again = await pushImage(layout, silentLogger, `${dst.host}/copy:1`, { authFile });
    assert.equal(again.digest, img.manifestDigest);
    assert.equal(dst.count('POST /v2/copy/blobs/uploads/'), 3, 'nothing uploaded the second time');

    await store.tag(`${dst.host}/copy:1`, `${dst.host}/other:2`);
    await pushImage(layout, silentLogger, `${dst.host}/other:2`, { authFile });
    assert.equal(dst.count('POST /v2/other/blobs/uploads/?mount='), 3, 'mounted from copy');
    assert.equal(dst.count('PATCH /v2/other/'), 0);
    assert.ok((await store.resolve(`${dst.host}/copy:1`)).repoDigests.includes(`${dst.host}/copy@${img.manifestDigest}`));
  });

  it('refuses an image that is not tagged with that name', async () => {
    const reg = await registry();
    const { layout, authFile } = fresh();
    await assert.rejects(pushImage(layout, silentLogger, `${reg.host}/nothing:1`, { authFile }), /an image does not exist locally with the tag: 127\.0\.0\.1:\d+\/nothing:1/);
  });
});

type ManifestDoc = { layers: { mediaType: string; digest: string; size: number }[]; config: { digest: string; size: number } };

function lie(reg: FakeRegistry, img: { manifest: Buffer; mediaType: string }, change: (m: ManifestDoc) => void): void {
  const m = JSON.parse(img.manifest.toString()) as ManifestDoc;
  change(m);
  reg.putManifest('app', 'latest', Buffer.from(JSON.stringify(m)), img.mediaType);
}

function lieConfig(reg: FakeRegistry, img: { manifest: Buffer; mediaType: string; config: Buffer }): void {
  const c = JSON.parse(img.config.toString()) as { rootfs: { diff_ids: string[] } };
  c.rootfs.diff_ids[1] = `sha256:${'2'.repeat(64)}`;
  const data = Buffer.from(JSON.stringify(c));
  const d = reg.putBlob('app', data);
  lie(reg, img, (m) => (m.config = { ...m.config, digest: d.digest, size: d.size }));
}
