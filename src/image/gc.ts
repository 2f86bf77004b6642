// Garbage collection of blobs and unpacked layers that no image references any more (rmi, image prune, and the
// clean-up of a failed pull or load). Safe against concurrent writers: it holds the content lease exclusively
// (every pull/load/import has either recorded its references or not written anything yet) and the images lock
// (no reference changes meanwhile). Reachable = every manifest named in repositories.json (images and refs), its
// config and layer blobs, the layers its config lists and the blobs their layer.json name, plus the layers that
// containers mount (the caller passes them: a container may outlive its image after `rmi -f`).
// A layer dir is first renamed into the staging area, then deleted: a crash half-way leaves a staging dir that
// the next command sweeps, never a half-deleted layer under layers/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Layout } from '../store/layout';
import { withLock } from '../store/lock';
import { readLayerInfo } from './layers';
import { withExclusiveContent } from './lease';
import { readRepositories } from './repositories';
import { stagingPath } from './tmp';

export interface GcOptions {
  /** Unpacked layer dirs (…/layers/<hex>/diff) that containers use: never removed. */
  inUseLayerDirs?: string[];
  /** Only consider these (blob digests and diffIDs, "sha256:<hex>"): the clean-up of one failed operation. */
  candidates?: { blobs: Iterable<string>; layers: Iterable<string> };
  /** Called once if another process holds the content lease (a pull or load in progress). */
  onWait?: () => void;
  /** Give up (return nothing) instead of waiting when another process holds the lease. */
  ifIdle?: boolean;
}

export interface GcResult {
  blobs: string[];
  layers: string[];
  /** Bytes freed: blob files plus the layers' content size. */
  reclaimed: number;
}

const HEX = /^[a-f0-9]{64}$/;

export async function collectGarbage(layout: Layout, log: Logger, opts: GcOptions = {}): Promise<GcResult> {
  const none: GcResult = { blobs: [], layers: [], reclaimed: 0 };
  const result = await withExclusiveContent(layout, () => withLock(layout, 'images', () => sweep(layout, log, opts)), { ...(opts.onWait ? { onWait: opts.onWait } : {}), ifIdle: opts.ifIdle === true });
  return result ?? none;
}

function sweep(layout: Layout, log: Logger, opts: GcOptions): GcResult {
  const live = reachable(layout, log);
  for (const dir of opts.inUseLayerDirs ?? []) live.layers.add(path.basename(path.dirname(dir)));
  const hexOf = (d: string) => d.replace(/^sha256:/, '');
  const layerNames = opts.candidates ? [...opts.candidates.layers].map(hexOf) : listDir(layout.layersDir);
  const blobNames = opts.candidates ? [...opts.candidates.blobs].map(hexOf) : listDir(layout.blobsDir);
  const result: GcResult = { blobs: [], layers: [], reclaimed: 0 };

  for (const hex of layerNames) {
    if (!HEX.test(hex) || live.layers.has(hex)) continue;
    const dir = path.join(layout.layersDir, hex);
    if (!fs.existsSync(dir)) continue;
    const info = readLayerInfoSafe(layout, hex);
    const trash = stagingPath(layout, 'gc');
    fs.mkdirSync(layout.tmpDir, { recursive: true, mode: 0o700 });
    fs.renameSync(dir, trash);
    fs.rmSync(trash, { recursive: true, force: true });
    result.layers.push(`sha256:${hex}`);
    result.reclaimed += info?.size ?? 0;
    log.debug('image', 'removed unused layer', { diffId: `sha256:${hex}` });
  }
  for (const hex of blobNames) {
    if (!HEX.test(hex) || live.blobs.has(hex)) continue;
    const file = path.join(layout.blobsDir, hex);
    let size: number;
    try {
      size = fs.statSync(file).size;
      fs.unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    result.blobs.push(`sha256:${hex}`);
    result.reclaimed += size;
    log.debug('image', 'removed unused blob', { digest: `sha256:${hex}` });
  }
  return result;
}

function reachable(layout: Layout, log: Logger): { blobs: Set<string>; layers: Set<string> } {
  const repos = readRepositories(layout);
  const blobs = new Set<string>();
  const layers = new Set<string>();
  const manifests = new Set([...Object.values(repos.images).map((e) => e.manifest), ...Object.values(repos.refs).map((r) => r.manifest)]);
  const hex = (d: unknown) => (typeof d === 'string' ? d.replace(/^sha256:/, '') : '');
  for (const m of manifests) {
    blobs.add(hex(m));
    const manifest = readJson(layout, m, log) as { config?: { digest?: unknown }; layers?: { digest?: unknown }[] } | undefined;
    if (!manifest) continue;
    for (const l of manifest.layers ?? []) blobs.add(hex(l.digest));
    const configDigest = manifest.config?.digest;
    if (typeof configDigest !== 'string') continue;
    blobs.add(hex(configDigest));
    const config = readJson(layout, configDigest, log) as { rootfs?: { diff_ids?: unknown[] } } | undefined;
    for (const d of config?.rootfs?.diff_ids ?? []) {
      layers.add(hex(d));
      const info = readLayerInfoSafe(layout, hex(d));
      if (info) blobs.add(hex(info.blob.digest));
    }
  }
  return { blobs, layers };
}

/** A referenced blob that cannot be read stops the collection: nothing is deleted on a guess. */
function readJson(layout: Layout, digest: string, log: Logger): unknown {
  try {
    return JSON.parse(fs.readFileSync(layout.blobPath(digest), 'utf8'));
  } catch (err) {
    log.debug('image', 'unreadable blob while collecting garbage', { digest, error: (err as Error).message });
    throw new InternalError(`cannot collect unused blobs: referenced blob ${digest} is unreadable (${describeError(err)})`, { cause: err });
  }
}

function readLayerInfoSafe(layout: Layout, hex: string) {
  try {
    return readLayerInfo(layout, `sha256:${hex}`);
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
