// Test images made from scratch: layer tars (gzip or plain), a config with their diff_ids, and a manifest in
// docker schema 2 or OCI form — plus a helper to publish one in a FakeRegistry.
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { buildTar, type TarInput } from '../../../archive/tar-writer';
import { MANIFEST_TYPES } from '../../manifest';
import type { FakeRegistry } from './fake-registry';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface TestImage {
  layers: Buffer[];
  layerTypes: string[];
  diffIds: string[];
  config: Buffer;
  manifest: Buffer;
  mediaType: string;
  manifestDigest: string;
}

export function makeImage(opts: { files: Record<string, string | Buffer>[]; docker?: boolean; gzip?: boolean; arch?: string; layerType?: string }): TestImage {
  const docker = opts.docker ?? false;
  const tars = opts.files.map((files) =>
    buildTar(Object.entries(files).map(([p, body]): TarInput => ({ entry: { path: p, type: 'file', mode: 0o644, mtime: 1000 }, body }))),
  );
  const gzip = opts.gzip ?? true;
  const layers = tars.map((t) => (gzip ? zlib.gzipSync(t) : t));
  const layerType = opts.layerType ?? (docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar');
  const diffIds = tars.map(sha);
  const config = Buffer.from(JSON.stringify({
    created: '2024-01-02T03:04:05Z',
    architecture: opts.arch ?? 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '2024-01-02T03:04:05Z', created_by: `layer ${i}` })),
  }));
  const mediaType = docker ? MANIFEST_TYPES.dockerManifest : MANIFEST_TYPES.ociManifest;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: layers.map((l) => ({ mediaType: layerType, digest: sha(l), size: l.length })),
  }, null, 3));
  return { layers, layerTypes: layers.map(() => layerType), diffIds, config, manifest, mediaType, manifestDigest: sha(manifest) };
}

export function publish(reg: FakeRegistry, repo: string, tag: string | undefined, img: TestImage): string {
  for (const l of img.layers) reg.putBlob(repo, l);
  reg.putBlob(repo, img.config);
  return reg.putManifest(repo, tag, img.manifest, img.mediaType);
}

/** A manifest list over several published images (platform from each config). */
export function publishList(reg: FakeRegistry, repo: string, tag: string, images: { img: TestImage; arch: string }[], docker = false): string {
  const list = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: docker ? MANIFEST_TYPES.dockerList : MANIFEST_TYPES.ociIndex,
    manifests: images.map(({ img, arch }) => ({ mediaType: img.mediaType, digest: img.manifestDigest, size: img.manifest.length, platform: { os: 'linux', architecture: arch } })),
  }));
  for (const { img } of images) publish(reg, repo, undefined, img);
  return reg.putManifest(repo, tag, list, docker ? MANIFEST_TYPES.dockerList : MANIFEST_TYPES.ociIndex);
}
