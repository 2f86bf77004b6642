// mydocker pull: reference → manifest (a manifest list picks linux/<this arch>) → config → layers → reference.
//   1. GET the manifest by tag or digest; its sha256 must equal the digest asked for (or Docker-Content-Digest).
//   2. An index/list: choose the platform, GET that manifest by digest, check digest and size.
//   3. GET the config (at most its descriptor's size, digest checked): diff_ids, one per layer.
//   4. Layers, at most 3 at a time, skipping those the store has (blob and unpacked dir): each streams from the
//      registry straight into the extractor; a registry that sends more bytes than the descriptor says is cut
//      off there; the blob digest, size and diffID are checked before the layer is published. A broken
//      connection resumes with a Range request. A per-blob lock makes concurrent pulls fetch a blob once.
//   5. Config and manifest blobs stored byte-exact, then the tag and the repo digest recorded (one atomic write).
// Steps 4-5 hold the content lease (no GC meanwhile). On failure, what this pull published and nothing
// references is collected again: nothing of a failed pull stays.
import * as fs from 'node:fs';
import { InvalidArgumentError, MydockerError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { sha256 } from '../blobs';
import { collectGarbage } from '../gc';
import { addLayer, readLayerInfo } from '../layers';
import { blobLockFile, withContentLease } from '../lease';
import { Lock } from '../../store/lock';
import { parseImageConfig, parseManifestDocument, selectPlatform, type ParsedManifest } from '../manifest';
import type { Descriptor } from '../oci';
import { canonicalName, canonicalString, familiarName, familiarString, parseReference } from '../reference';
import { registerImage } from '../register';
import { readRepositories } from '../repositories';
import { RegistryClient } from './client';
import { authFilePath, readCredentials } from './credentials';
import { NetworkError } from './http';
import { silentProgress, type ProgressSink } from './progress';
import { runLimited, type TaskSignal } from './run-limited';

export interface PullOptions {
  tlsVerify?: boolean;
  /** Credentials file (default: $MYDOCKER_CONFIG or ~/.config/mydocker/auth.json). */
  authFile?: string;
  progress?: ProgressSink;
  /** Layers fetched at once (docker's max-concurrent-downloads, default 3). */
  concurrency?: number;
}

export interface PullResult {
  id: string;
  /** What was pulled, familiar form ("localhost:5000/app:1"). */
  reference: string;
  /** Canonical form, docker's last line ("docker.io/library/busybox:latest"). */
  canonical: string;
  /** The digest the reference resolved to (the manifest list's when there was one). */
  digest: string;
  upToDate: boolean;
}

const RETRIES = 3;

export async function pullImage(layout: Layout, log: Logger, text: string, opts: PullOptions = {}): Promise<PullResult> {
  const ref = parseReference(text);
  const progress = opts.progress ?? silentProgress;
  const client = await RegistryClient.connect(ref.domain, {
    ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {}),
    credentials: readCredentials(ref.domain, opts.authFile ?? authFilePath()),
    log,
  });
  try {
    const scopes = [`repository:${ref.path}:pull`];
    const wanted = ref.digest ?? ref.tag ?? 'latest';
    progress.line(`${wanted}: Pulling from ${ref.path}`);
    const top = await client.getManifest(ref.path, wanted, scopes);
    const topDigest = sha256(top.data);
    if (ref.digest && topDigest !== ref.digest) throw new InvalidArgumentError(`manifest digest mismatch: asked for ${ref.digest}, the registry sent ${topDigest}`);
    if (top.digest && top.digest !== topDigest) throw new InvalidArgumentError(`manifest digest mismatch: the registry says ${top.digest}, the content has ${topDigest}`);
    let doc = parseManifestDocument(top.data, top.contentType);
    let manifestBytes = top.data;
    if (doc.kind === 'index') {
      const entry = selectPlatform(doc);
      const child = await client.getManifest(ref.path, entry.digest, scopes);
      checkBlob(child.data, entry, 'platform manifest');
      doc = parseManifestDocument(child.data, child.contentType || entry.mediaType);
      if (doc.kind === 'index') throw new InvalidArgumentError(`manifest list ${topDigest} points at another manifest list`);
      manifestBytes = child.data;
    }
    const manifest: ParsedManifest = doc;
    const configBytes = await client.fetchBlob(ref.path, manifest.config, scopes);
    checkBlob(configBytes, manifest.config, 'image config');
    const config = parseImageConfig(configBytes, manifest.layers.length);

    const name = canonicalName(ref);
    const tagKey = ref.digest ? undefined : canonicalString({ domain: ref.domain, path: ref.path, tag: ref.tag ?? 'latest' });
    const digestKey = `${name}@${topDigest}`;
    const existedBefore = readRepositories(layout).refs[digestKey] !== undefined;
    const touched = { blobs: new Set<string>(), layers: new Set<string>() };
    let fetched = 0;
    let registered;
    try {
      registered = await withContentLease(layout, async () => {
        await runLimited(manifest.layers, opts.concurrency ?? 3, async (desc, i, signal) => {
          const what = `layer ${desc.digest.slice(7, 19)} of ${familiarString(ref)}`;
          if (await fetchLayer(layout, log, client, ref.path, desc, config.rootfs.diff_ids[i], { scopes, progress, signal, touched, what })) fetched++;
        });
        return registerImage(layout, log, {
          manifest: manifestBytes,
          mediaType: manifest.mediaType,
          config: configBytes,
          tags: tagKey ? [tagKey] : [],
          digestRefs: [digestKey],
        });
      });
    } catch (err) {
      await collectGarbage(layout, log, { candidates: touched, ifIdle: true }).catch((gcErr: unknown) => {
        if (err instanceof MydockerError) err.cleanupErrors.push(gcErr);
      });
      throw err;
    }
    const upToDate = fetched === 0 && (tagKey ? registered.previous[tagKey] === registered.id : existedBefore);
    const shown = tagKey ? familiarString(parseReference(tagKey)) : `${familiarName(ref)}@${topDigest}`;
    progress.line(`Digest: ${topDigest}`);
    progress.line(upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}`);
    return { id: registered.id, reference: shown, canonical: tagKey ?? digestKey, digest: topDigest, upToDate };
  } finally {
    client.close();
  }
}

function checkBlob(data: Buffer, desc: Descriptor, what: string): void {
  if (data.length !== desc.size) throw new InvalidArgumentError(`${what} ${desc.digest}: ${data.length} bytes received, the descriptor says ${desc.size}`);
  const actual = sha256(data);
  if (actual !== desc.digest) throw new InvalidArgumentError(`${what}: digest mismatch: expected ${desc.digest}, content has ${actual}`);
}

function haveLayer(layout: Layout, digest: string, diffId: string): boolean {
  return fs.existsSync(layout.blobPath(digest)) && readLayerInfo(layout, diffId) !== undefined;
}

interface FetchContext {
  scopes: string[];
  progress: ProgressSink;
  signal: TaskSignal;
  touched: { blobs: Set<string>; layers: Set<string> };
  what: string;
}

// Two layers of one manifest with the same blob (it happens) share one fetch.
const inFlight = new Map<string, Promise<boolean>>();

/** Fetches and unpacks one layer unless the store has it; true when bytes were downloaded. */
async function fetchLayer(layout: Layout, log: Logger, client: RegistryClient, repo: string, desc: Descriptor, diffId: string, ctx: FetchContext): Promise<boolean> {
  const id = desc.digest.slice(7, 19);
  const key = `${layout.root}\0${desc.digest}`;
  const running = inFlight.get(key);
  if (running) return running.then(() => false);
  if (haveLayer(layout, desc.digest, diffId)) {
    ctx.progress.layer(id, 'Already exists');
    return false;
  }
  const p = (async () => {
    ctx.progress.layer(id, 'Pulling fs layer');
    const lock = new Lock(blobLockFile(layout, desc.digest));
    await lock.acquireAsync('exclusive', () => ctx.progress.layer(id, 'Waiting'));
    try {
      if (haveLayer(layout, desc.digest, diffId)) {
        ctx.progress.layer(id, 'Already exists');
        return false;
      }
      if (!fs.existsSync(layout.blobPath(desc.digest))) ctx.touched.blobs.add(desc.digest);
      const source = blobStream(client, repo, desc, ctx, {
        onBytes: (n) => ctx.progress.layer(id, 'Downloading', n, desc.size),
        onRetry: (n) => ctx.progress.layer(id, `Retrying from byte ${n}`),
      });
      const added = await addLayer(layout, log, source, { digest: desc.digest, size: desc.size, diffId, what: ctx.what }).catch((err: unknown) => {
        throw err instanceof InvalidArgumentError && !err.message.startsWith(ctx.what) ? new InvalidArgumentError(`${ctx.what}: ${err.message}`, { cause: err }) : err;
      });
      if (added.created) ctx.touched.layers.add(added.diffId);
      ctx.progress.layer(id, 'Pull complete');
      return true;
    } finally {
      lock.releaseAndRemove();
    }
  })();
  inFlight.set(key, p);
  try {
    return await p;
  } finally {
    inFlight.delete(key);
  }
}

/**
 * The blob's bytes as they arrive, never more than desc.size. A dropped connection is resumed (Range: bytes=N-;
 * a registry that ignores Range resends everything and the first N bytes are skipped), up to 3 times.
 */
async function* blobStream(
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  ctx: FetchContext,
  on: { onBytes: (n: number) => void; onRetry: (n: number) => void },
): AsyncGenerator<Buffer> {
  let received = 0;
  let failures = 0;
  do {
    if (ctx.signal.failed) throw new MydockerError('Unavailable', `${ctx.what}: cancelled`);
    let res;
    try {
      res = await client.openBlob(repo, desc.digest, received, ctx.scopes);
    } catch (err) {
      if (!(err instanceof NetworkError) || ++failures > RETRIES) throw err;
      await sleep(200 * failures);
      continue;
    }
    const body = res.body;
    let skip = 0;
    if (res.status === 206) {
      const m = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== received) {
        body.destroy();
        throw new MydockerError('Unavailable', `${ctx.what}: the registry resumed at the wrong offset`);
      }
    } else {
      skip = received;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > desc.size) {
        body.destroy();
        throw new InvalidArgumentError(`${ctx.what}: the registry announces ${declared} bytes, the manifest says ${desc.size}`);
      }
    }
    const unhook = ctx.signal.onFail(() => body.destroy());
    let complete = false;
    try {
      for await (const raw of body) {
        let chunk = raw as Buffer;
        if (skip > 0) {
          const k = Math.min(skip, chunk.length);
          skip -= k;
          chunk = chunk.subarray(k);
          if (chunk.length === 0) continue;
        }
        received += chunk.length;
        if (received > desc.size) throw new InvalidArgumentError(`${ctx.what}: the registry sent more than the ${desc.size} bytes the manifest declares`);
        on.onBytes(received);
        yield chunk;
      }
      complete = true;
    } catch (err) {
      if (err instanceof MydockerError) throw err;
      if (ctx.signal.failed) throw new MydockerError('Unavailable', `${ctx.what}: cancelled`);
      if (++failures > RETRIES) throw new NetworkError(`${ctx.what}: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
      on.onRetry(received);
      await sleep(200 * failures);
    } finally {
      unhook();
      if (!complete) body.destroy();
    }
    if (complete && received < desc.size) {
      if (++failures > RETRIES) throw new InvalidArgumentError(`${ctx.what}: the registry sent ${received} bytes, the manifest declares ${desc.size}`);
    }
  } while (received < desc.size);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
