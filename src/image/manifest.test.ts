import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseImageConfig, parseManifestDocument, selectPlatform, toOciManifest } from './manifest';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const manifest = (extra: object = {}) => Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: D('a'), size: 10 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D('b'), size: 20 }],
  ...extra,
}));

describe('manifests from outside', () => {
  it('reads docker schema 2 and OCI manifests, with the media type from the document or the transport', () => {
    const m = parseManifestDocument(manifest());
    assert.equal(m.kind, 'manifest');
    assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    const oci = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: 1 }, layers: [] }));
    assert.equal(parseManifestDocument(oci).mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(parseManifestDocument(oci, 'application/vnd.oci.image.manifest.v1+json').kind, 'manifest');
    const conv = toOciManifest(m as Extract<typeof m, { kind: 'manifest' }>);
    assert.equal(conv.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal(conv.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  });
  it('refuses what it cannot use, in one line naming the problem', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('not json'), /invalid manifest: not valid JSON/],
      [Buffer.from('[]'), /not a JSON object/],
      [Buffer.from('{"schemaVersion":1}'), /docker schema 1/],
      [Buffer.from('{"schemaVersion":3}'), /schemaVersion 3 is not 2/],
      [manifest({ mediaType: 'application/x-other' }), /unsupported manifest media type "application\/x-other"/],
      [manifest({ config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: D('a'), size: 1 } }), /not a container image/],
      [manifest({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: D('b'), size: 1 }] }), /unsupported layer compression zstd/],
      [manifest({ layers: [{ mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: D('b'), size: 1 }] }), /foreign/],
      [manifest({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha512:' + 'c'.repeat(128), size: 1 }] }), /only sha256/],
      [manifest({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: D('b'), size: -1 }] }), /bad size/],
      [manifest({ layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: '../../etc', size: 1 }] }), /bad digest/],
      [manifest({ layers: 'x' }), /no layers array/],
      [Buffer.alloc(5 << 20, 32), /larger than/],
    ];
    for (const [data, re] of cases) assert.throws(() => parseManifestDocument(data), re);
  });
  it('picks the platform from an index and names what it has when nothing fits', () => {
    const index = parseManifestDocument(Buffer.from(JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('1'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('2'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('3'), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      ],
    })));
    assert.equal(index.kind, 'index');
    if (index.kind !== 'index') return;
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'amd64' }).digest, D('2'));
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, D('1'));
    assert.throws(() => selectPlatform(index, { os: 'linux', architecture: 's390x' }), /no image for linux\/s390x in the manifest list \(it has: linux\/arm\/v7, linux\/amd64\)/);
  });
  it('checks configs against their manifest', () => {
    const cfg = (c: object) => Buffer.from(JSON.stringify(c));
    assert.equal(parseImageConfig(cfg({ os: 'linux', rootfs: { type: 'layers', diff_ids: [D('d')] } }), 1).os, 'linux');
    assert.throws(() => parseImageConfig(cfg({ os: 'windows', rootfs: { type: 'layers', diff_ids: [] } }), 0), /only linux images/);
    assert.throws(() => parseImageConfig(cfg({ rootfs: { type: 'layers', diff_ids: [D('d')] } }), 2), /lists 1 layers, the manifest 2/);
    assert.throws(() => parseImageConfig(cfg({ rootfs: { type: 'layers', diff_ids: ['x'] } }), 1), /diff_id is not a sha256/);
    assert.throws(() => parseImageConfig(cfg({}), 0), /no rootfs.diff_ids/);
  });
});
