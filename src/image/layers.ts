// Layers unpack once into layers/<diffID hex>/diff, shared by every image that lists that diffID.
// Publishing is one rename(2): the layer is extracted into a staging dir together with its layer.json, and the
// whole dir is renamed to its final name. Two concurrent unpacks of the same layer both finish their own copy;
// the first rename wins, the second sees EEXIST/ENOTEMPTY, drops its copy and returns the winner's. A layer dir
// therefore either does not exist or is complete; no lock is needed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractLayer } from '../archive/extract';
import type { TarSource } from '../archive/tar-reader';
import { InternalError, InvalidArgumentError } from '../errors/errors';
import type { Logger } from '../log/log';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Layout } from '../store/layout';
import { ensureStoreDirs } from './blobs';
import { MEDIA_TYPE, type Descriptor } from './oci';
import { stagingPath, sweepStaging } from './tmp';

/** layers/<hex>/layer.json */
export interface LayerInfo {
  schemaVersion: 1;
  diffId: string;
  /** Bytes of regular file data in the layer (docker's layer size). */
  size: number;
  entries: number;
  /** The blob this layer was unpacked from, as a manifest lists it. */
  blob: Descriptor;
  /** Bytes of the uncompressed tar stream (the diffID covers exactly these); absent in older layer.json files. */
  tarSize?: number;
}

export interface AddedLayer {
  diffId: string;
  /** The unpacked directory (an overlay lower dir). */
  dir: string;
  size: number;
  /** The blob layer.json names (an earlier blob when the layer already existed). */
  blob: Descriptor;
  /** The blob this call received and stored in blobs/ (always the caller's bytes). */
  received: Descriptor;
  /** True when this call published the layer dir; false when it already existed. */
  created: boolean;
}

/** What the caller knows about the stream, checked before anything is published (pull, load). */
export interface LayerExpectation {
  /** Digest and size of the raw blob, from a manifest descriptor. */
  digest?: string;
  size?: number;
  /** The config's diff_id for this layer. */
  diffId?: string;
  /** Names the layer in errors, e.g. "layer 3 of localhost:5000/app:1". */
  what?: string;
}

export function layerDiffDir(layout: Layout, diffId: string): string {
  return path.join(layout.layerDir(diffId), 'diff');
}

export function readLayerInfo(layout: Layout, diffId: string): LayerInfo | undefined {
  const info = readJsonIfExists<LayerInfo>(path.join(layout.layerDir(diffId), 'layer.json'));
  if (info && info.schemaVersion !== 1) throw new InternalError(`unsupported layer.json schema ${String(info.schemaVersion)} in ${layout.layerDir(diffId)}`);
  return info;
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
}

/** Stores the stream's bytes as a blob and unpacks them as a layer (once per diffID). */
export async function addLayer(layout: Layout, log: Logger, source: TarSource, expect: LayerExpectation = {}): Promise<AddedLayer> {
  ensureStoreDirs(layout);
  sweepStaging(layout, log);
  const work = stagingPath(layout, 'layer');
  fs.mkdirSync(work, 0o700);
  try {
    const diff = path.join(work, 'diff');
    fs.mkdirSync(diff, 0o755);
    const blobTmp = path.join(work, 'blob');
    const fd = fs.openSync(blobTmp, 'wx', 0o644);
    let res;
    try {
      res = await extractLayer(source, diff, { log, onRaw: (chunk) => writeAll(fd, chunk) });
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    checkExpectation(expect, res.rawDigest, res.rawSize, res.digest);
    const blob: Descriptor = { mediaType: res.compression === 'gzip' ? MEDIA_TYPE.layerGzip : MEDIA_TYPE.layer, digest: res.rawDigest, size: res.rawSize };
    // The blob first: a crash between the two renames leaves an unreferenced blob, never a layer without its blob.
    fs.renameSync(blobTmp, layout.blobPath(blob.digest));
    const info: LayerInfo = { schemaVersion: 1, diffId: res.digest, size: res.contentSize, entries: res.entries, blob, tarSize: res.size };
    writeJsonAtomic(path.join(work, 'layer.json'), info);
    const final = layout.layerDir(res.digest);
    try {
      fs.renameSync(work, final);
      log.debug('image', 'unpacked layer', { diffId: res.digest, dir: final, entries: res.entries, blob: blob.digest });
      return { diffId: res.digest, dir: path.join(final, 'diff'), size: info.size, blob, received: blob, created: true };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
    }
    fs.rmSync(work, { recursive: true, force: true });
    const existing = readLayerInfo(layout, res.digest);
    if (!existing) throw new InternalError(`layer directory ${final} exists without its layer.json`);
    log.debug('image', 'layer already unpacked', { diffId: res.digest, dir: final });
    return { diffId: res.digest, dir: path.join(final, 'diff'), size: existing.size, blob: existing.blob, received: blob, created: false };
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

function checkExpectation(expect: LayerExpectation, digest: string, size: number, diffId: string): void {
  const what = expect.what ?? 'layer';
  if (expect.size !== undefined && size !== expect.size) {
    throw new InvalidArgumentError(`${what}: blob ${expect.digest ?? digest} has ${size} bytes, its descriptor says ${expect.size}`);
  }
  if (expect.digest !== undefined && digest !== expect.digest) {
    throw new InvalidArgumentError(`${what}: digest mismatch: expected ${expect.digest}, content has ${digest}`);
  }
  if (expect.diffId !== undefined && diffId !== expect.diffId) {
    throw new InvalidArgumentError(`${what}: uncompressed content has digest ${diffId}, the image config says ${expect.diffId}`);
  }
}
