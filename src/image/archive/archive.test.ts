// save → load round trips in both formats, the layouts other tools write, and hostile archives: each refused
// with one line, leaving the store exactly as it was.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { buildTar, type TarInput } from '../../archive/tar-writer';
import { makeTempDir, removeDir } from '../../archive/test-helpers';
import { MydockerError } from '../../errors/errors';
import { silentLogger } from '../../log/log';
import { Layout } from '../../store/layout';
import { registerImage } from '../register';
import { readRepositories } from '../repositories';
import { ImageStore } from '../store';
import { addLayer } from '../layers';
import { makeImage } from '../registry/testing/test-image';
import { loadArchive } from './load';
import { archiveStream, collectImages, type SaveImage } from './save';
import type { ArchiveFormat } from './load';
import { pipeline } from 'node:stream/promises';

const saveTo = (layout: Layout, images: SaveImage[], format: ArchiveFormat, file: string) =>
  pipeline(archiveStream(layout, images, format), fs.createWriteStream(file));
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let tmp: string;
let n = 0;
before(() => (tmp = makeTempDir('archives')));
after(() => removeDir(tmp));

function fresh() {
  const dir = path.join(tmp, `s${n++}`);
  const layout = new Layout({ root: path.join(dir, 'root'), runroot: path.join(dir, 'run') });
  return { layout, store: new ImageStore(layout, silentLogger) };
}
const ls = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).sort() : []);
const contents = (layout: Layout) => ({ blobs: ls(layout.blobsDir), layers: ls(layout.layersDir), tmp: ls(layout.tmpDir), refs: Object.keys(readRepositories(layout).refs) });
const file = (name: string, data: Buffer | string) => { const p = path.join(tmp, name); fs.writeFileSync(p, data); return p; };
const load = (layout: Layout, p: string) => loadArchive(layout, silentLogger, fs.createReadStream(p), p);

/** A store holding a two-layer docker schema 2 image (as a pull leaves it) and an imported one. */
async function sourceStore() {
  const s = fresh();
  const img = makeImage({ files: [{ 'bin/a': 'layer one\n' }, { 'etc/b': 'layer two\n' }], docker: true });
  for (const l of img.layers) await addLayer(s.layout, silentLogger, l);
  await registerImage(s.layout, silentLogger, { manifest: img.manifest, mediaType: img.mediaType, config: img.config, tags: ['docker.io/library/pulled:1'] });
  const tar = buildTar([{ entry: { path: 'hello', type: 'file' }, body: 'imported\n' }]);
  const imported = await s.store.importTarball(file(`rootfs-${n}.tar`, tar), 'local/imported:2');
  return { ...s, img, imported };
}

describe('save and load', () => {
  for (const format of ['docker-archive', 'oci-archive'] as const) {
    it(`round-trips two images through ${format}, keeping image ids`, async () => {
      const src = await sourceStore();
      const out = path.join(tmp, `rt-${format}.tar`);
      await saveTo(src.layout, await collectImages(src.layout, silentLogger, ['pulled:1', 'local/imported:2']), format, out);
      const dst = fresh();
      const res = await load(dst.layout, out);
      assert.equal(res.format, format);
      assert.deepEqual(res.images.map((i) => i.tags).sort(), [['local/imported:2'], ['pulled:1']]);
      const a = await dst.store.resolve('pulled:1');
      assert.equal(a.id, sha(src.img.config), 'image id = config digest survives');
      assert.equal(fs.readFileSync(path.join(a.layerDirs[1], 'etc/b'), 'utf8'), 'layer two\n');
      if (format === 'oci-archive') {
        // docker schema 2 becomes OCI inside an OCI layout; an OCI manifest travels byte-exact
        const b = await dst.store.resolve('local/imported:2');
        assert.equal(b.manifestDigest, src.imported.manifestDigest);
      }
      assert.deepEqual(contents(dst.layout).tmp, []);
      assert.deepEqual(ls(tmp).filter((f) => f.endsWith('.tmp')), [], 'no temporary archive left');
    });
  }

  it('writes docker-archive layers uncompressed, named by diff id', async () => {
    const src = await sourceStore();
    const out = path.join(tmp, 'layout.tar');
    await saveTo(src.layout, await collectImages(src.layout, silentLogger, ['pulled:1']), 'docker-archive', out);
    const dst = fresh();
    const ar = await (await import('./spool')).SpooledArchive.read(dst.layout, silentLogger, fs.createReadStream(out), out);
    try {
      const manifest = JSON.parse(ar.read('manifest.json', 1 << 20, 't').toString());
      assert.deepEqual(manifest[0].Layers, src.img.diffIds.map((d) => `${d.slice(7)}.tar`));
      assert.deepEqual(manifest[0].RepoTags, ['pulled:1']);
      for (const d of src.img.diffIds) assert.equal(sha(fs.readFileSync(ar.lookup(`${d.slice(7)}.tar`)!.file)), d);
      assert.ok(ar.has('repositories'));
    } finally {
      ar.remove();
    }
  });

  it('loads a gzip-compressed archive, legacy <id>/layer.tar symlinks, and docker 25 blob paths', async () => {
    const img = makeImage({ files: [{ 'x': 'legacy\n' }], gzip: false });
    const cfgName = `${sha(img.config).slice(7)}.json`;
    const legacy = buildTar([
      { entry: { path: cfgName, type: 'file' }, body: img.config },
      { entry: { path: 'abc/layer.tar', type: 'file' }, body: img.layers[0] },
      { entry: { path: 'def/layer.tar', type: 'symlink', linkpath: '../abc/layer.tar' } },
      { entry: { path: 'manifest.json', type: 'file' }, body: JSON.stringify([{ Config: cfgName, RepoTags: ['legacy:1'], Layers: ['def/layer.tar'] }]) },
    ]);
    const a = fresh();
    await load(a.layout, file('legacy.tar.gz', zlib.gzipSync(legacy)));
    assert.ok(await a.store.find('legacy:1'));

    const blobs = buildTar([
      { entry: { path: `blobs/sha256/${sha(img.config).slice(7)}`, type: 'file' }, body: img.config },
      { entry: { path: `blobs/sha256/${sha(img.layers[0]).slice(7)}`, type: 'file' }, body: img.layers[0] },
      { entry: { path: 'manifest.json', type: 'file' }, body: JSON.stringify([{ Config: `blobs/sha256/${sha(img.config).slice(7)}`, RepoTags: null, Layers: [`blobs/sha256/${sha(img.layers[0]).slice(7)}`] }]) },
    ]);
    const b = fresh();
    const res = await load(b.layout, file('d25.tar', blobs));
    assert.deepEqual(res.images, [{ id: sha(img.config), tags: [] }]);
  });

  it('a later archive member replaces an earlier one of the same name', async () => {
    const img = makeImage({ files: [{ 'x': 'y' }], gzip: false });
    const cfg = 'c.json';
    const tar = buildTar([
      { entry: { path: 'manifest.json', type: 'file' }, body: '[]' },
      { entry: { path: cfg, type: 'file' }, body: img.config },
      { entry: { path: 'l.tar', type: 'file' }, body: img.layers[0] },
      { entry: { path: 'manifest.json', type: 'file' }, body: JSON.stringify([{ Config: cfg, RepoTags: ['dup:1'], Layers: ['l.tar'] }]) },
    ]);
    const s = fresh();
    await load(s.layout, file('dup.tar', tar));
    assert.ok(await s.store.find('dup:1'));
  });
});

describe('hostile archives: refused in one line, the store unchanged', () => {
  const img = makeImage({ files: [{ 'bin/a': 'a' }, { 'etc/b': 'b'.repeat(5000) }], gzip: false });
  const cfgName = `${sha(img.config).slice(7)}.json`;
  const docker = (over: { manifest?: unknown; members?: TarInput[]; config?: Buffer; layers?: Buffer[] } = {}) =>
    buildTar([
      { entry: { path: cfgName, type: 'file' }, body: over.config ?? img.config },
      ...(over.layers ?? img.layers).map((l, i): TarInput => ({ entry: { path: `l${i}.tar`, type: 'file' }, body: l })),
      ...(over.members ?? []),
      { entry: { path: 'manifest.json', type: 'file' }, body: JSON.stringify(over.manifest ?? [{ Config: cfgName, RepoTags: ['evil:1'], Layers: ['l0.tar', 'l1.tar'] }]) },
    ]);
  const oci = (change: (m: { layers: { size: number; digest: string }[] }) => void, blobs?: (b: Map<string, Buffer>) => void) => {
    const m = JSON.parse(img.manifest.toString());
    change(m);
    const manifest = Buffer.from(JSON.stringify(m));
    const all = new Map<string, Buffer>([[sha(img.config), img.config], [sha(manifest), manifest], ...img.layers.map((l): [string, Buffer] => [sha(l), l])]);
    blobs?.(all);
    return buildTar([
      { entry: { path: 'oci-layout', type: 'file' }, body: '{"imageLayoutVersion":"1.0.0"}' },
      ...[...all].map(([d, b]): TarInput => ({ entry: { path: `blobs/sha256/${d.slice(7)}`, type: 'file' }, body: b })),
      { entry: { path: 'index.json', type: 'file' }, body: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: img.mediaType, digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'evil:1' } }] }) },
    ]);
  };
  const good = docker();
  const cases: [string, () => Buffer, RegExp][] = [
    ['a truncated archive', () => good.subarray(0, Math.floor(good.length / 2) + 7), /invalid tar archive: truncated/],
    ['a truncated gzip archive', () => zlib.gzipSync(good).subarray(0, 300), /invalid tar archive|unexpected end/],
    ['random bytes', () => Buffer.alloc(4096, 0x41), /invalid tar archive/],
    ['a tar that is no image archive', () => buildTar([{ entry: { path: 'x', type: 'file' }, body: 'x' }]), /is not an image archive/],
    ['../ in a manifest.json layer path', () => docker({ manifest: [{ Config: cfgName, RepoTags: [], Layers: ['l0.tar', '../../../etc/passwd'] }] }), /path "..\/..\/..\/etc\/passwd" escapes the archive/],
    ['a member path that climbs out', () => docker({ members: [{ entry: { path: '../outside', type: 'file' }, body: 'x' }] }), /escapes the archive/],
    ['a symlink member pointing out of the archive', () => docker({ members: [{ entry: { path: 'l9.tar', type: 'symlink', linkpath: '../../etc/shadow' } }], manifest: [{ Config: cfgName, RepoTags: [], Layers: ['l0.tar', 'l9.tar'] }] }), /escapes the archive/],
    ['an absolute layer path naming a host file', () => docker({ manifest: [{ Config: cfgName, RepoTags: [], Layers: ['l0.tar', '/etc/passwd'] }] }), /layer \/etc\/passwd is missing from the archive/],
    ['a layer whose content is not its diff_id', () => docker({ layers: [img.layers[0], Buffer.from(img.layers[1]).fill(0x20, 600, 700)] }), /uncompressed content has digest .*, the image config says/],
    ['a config whose name is not its digest', () => docker({ config: Buffer.from(img.config.toString().replace('amd64', 'arm64')) }), /digest mismatch: config/],
    ['a config listing fewer layers than the manifest', () => docker({ manifest: [{ Config: cfgName, RepoTags: [], Layers: ['l0.tar'] }] }), /the config lists 2 layers, the manifest 1/],
    ['a bad tag', () => docker({ manifest: [{ Config: cfgName, RepoTags: ['UPPER:1'], Layers: ['l0.tar', 'l1.tar'] }] }), /repository name must be lowercase/],
    ['manifest.json that is not JSON', () => buildTar([{ entry: { path: 'manifest.json', type: 'file' }, body: '{' }]), /manifest.json is not valid JSON/],
    ['oci: a descriptor that lies about a layer size', () => oci((m) => (m.layers[1].size -= 1)), /has \d+ bytes, its descriptor says/],
    ['oci: a layer blob whose content is not its digest', () => oci(() => undefined, (b) => b.set(sha(img.layers[1]), Buffer.from(img.layers[1]).fill(0x21, 600, 601))), /digest mismatch: expected/],
    ['oci: a missing blob', () => oci(() => undefined, (b) => b.delete(sha(img.layers[0]))), /layer sha256:[a-f0-9]{64} is missing from the archive/],
    ['oci: a zstd layer', () => oci((m) => Object.assign(m.layers[0], { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' })), /unsupported layer compression zstd/],
  ];
  for (const [name, make, expected] of cases) {
    it(name, async () => {
      const s = fresh();
      await s.store.importTarball(file(`keep-${n}.tar`, buildTar([{ entry: { path: 'k', type: 'file' }, body: 'k' }])), 'keep:1');
      const before = contents(s.layout);
      await assert.rejects(load(s.layout, file(`hostile-${n}.tar`, make())), (err: unknown) => {
        assert.ok(err instanceof MydockerError, String(err));
        assert.match(err.message, expected);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
      assert.deepEqual(contents(s.layout), before);
    });
  }

  it('a two-image archive whose second image is broken records neither', async () => {
    const other = makeImage({ files: [{ 'o': 'other' }], gzip: false });
    const otherCfg = `${sha(other.config).slice(7)}.json`;
    const tar = docker({
      members: [{ entry: { path: otherCfg, type: 'file' }, body: other.config }, { entry: { path: 'o.tar', type: 'file' }, body: Buffer.from(other.layers[0]).fill(1, 600, 601) }],
      manifest: [{ Config: cfgName, RepoTags: ['first:1'], Layers: ['l0.tar', 'l1.tar'] }, { Config: otherCfg, RepoTags: ['second:1'], Layers: ['o.tar'] }],
    });
    const s = fresh();
    const before = contents(s.layout);
    await assert.rejects(load(s.layout, file('two.tar', tar)), /uncompressed content has digest/);
    assert.deepEqual(contents(s.layout), before);
  });
});
