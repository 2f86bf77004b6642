// mydocker push: the stored manifest, config and layer blobs go to the registry byte for byte, so the manifest
// digest there is the local one (a pulled image pushed elsewhere keeps its digest).
//   for each layer (3 at a time), then the config: HEAD → exists? skip : mount from a repository of the same
//   registry that has this image (when one is known) : POST + PUT (≤ chunk size) or POST + PATCH… + PUT
//   then PUT the manifest under the tag, and record name@digest locally (docker's RepoDigests).
import * as fs from 'node:fs';
import { InternalError, InvalidArgumentError, NotFoundError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { readBlob } from '../blobs';
import { parseManifestDocument } from '../manifest';
import type { Descriptor } from '../oci';
import { canonicalName, canonicalString, familiarName, parseReference } from '../reference';
import { storedManifestType } from '../register';
import { readRepositories, updateRepositories } from '../repositories';
import { RegistryClient } from './client';
import { authFilePath, readCredentials } from './credentials';
import { silentProgress, type ProgressSink } from './progress';
import { runLimited } from './run-limited';

export interface PushOptions {
  tlsVerify?: boolean;
  authFile?: string;
  progress?: ProgressSink;
  /** Blobs larger than this go up in PATCH chunks of this size (default 32 MiB). */
  chunkSize?: number;
  concurrency?: number;
  /** Try cross-repository mounts (default true). */
  mount?: boolean;
}

export interface PushResult {
  tag: string;
  digest: string;
  size: number;
}

export async function pushImage(layout: Layout, log: Logger, text: string, opts: PushOptions = {}): Promise<PushResult> {
  const ref = parseReference(text);
  if (ref.digest) throw new InvalidArgumentError(`cannot push a digest reference: ${text}`, { hint: 'push a tag (mydocker tag IMAGE NAME:TAG first)' });
  const tag = ref.tag ?? 'latest';
  const key = canonicalString({ domain: ref.domain, path: ref.path, tag });
  const repos = readRepositories(layout);
  const hit = repos.refs[key];
  if (!hit) throw new NotFoundError(`an image does not exist locally with the tag: ${familiarName(ref)}:${tag}`);
  const manifestBytes = readBlob(layout, hit.manifest);
  const entry = repos.images[hit.id];
  const mediaType = storedManifestType(entry?.manifest === hit.manifest ? entry : undefined, manifestBytes);
  const manifest = parseManifestDocument(manifestBytes, mediaType);
  if (manifest.kind !== 'manifest') throw new InternalError(`stored manifest ${hit.manifest} is an index`);
  for (const d of [manifest.config, ...manifest.layers]) {
    if (!fs.existsSync(layout.blobPath(d.digest))) throw new InternalError(`image ${hit.id.slice(7, 19)} is damaged: blob ${d.digest} is missing`, { hint: 'pull or load the image again' });
  }
  // Repositories of the same registry that hold this image: candidates for a cross-repository mount.
  const siblings = opts.mount === false ? [] : [...new Set(Object.entries(repos.refs)
    .filter(([k, v]) => v.id === hit.id && k !== key)
    .map(([k]) => parseReference(k))
    .filter((r) => r.domain === ref.domain && r.path !== ref.path)
    .map((r) => r.path))];

  const progress = opts.progress ?? silentProgress;
  progress.line(`The push refers to repository [${canonicalName(ref)}]`);
  const client = await RegistryClient.connect(ref.domain, {
    ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {}),
    credentials: readCredentials(ref.domain, opts.authFile ?? authFilePath()),
    log,
  });
  try {
    const scopes = [`repository:${ref.path}:pull,push`];
    const chunkSize = opts.chunkSize ?? 32 << 20;
    const pushBlob = async (d: Descriptor, show: boolean) => {
      const id = d.digest.slice(7, 19);
      const say = (status: string, current?: number) => show && progress.layer(id, status, current, d.size);
      say('Preparing');
      if (await client.blobExists(ref.path, d.digest, scopes)) {
        say('Layer already exists');
        return;
      }
      const open = (start: number, end: number) => fs.createReadStream(layout.blobPath(d.digest), { start, end });
      const how = await client.uploadBlob(ref.path, d, open, {
        scopes,
        chunkSize,
        ...(siblings[0] ? { mountFrom: siblings[0] } : {}),
        onBytes: (n) => say('Pushing', n),
      });
      say(how === 'mounted' ? `Mounted from ${siblings[0]}` : 'Pushed');
    };
    await runLimited(manifest.layers, opts.concurrency ?? 3, (d) => pushBlob(d, true));
    await pushBlob(manifest.config, false);
    const remote = await client.putManifest(ref.path, tag, manifestBytes, mediaType, scopes);
    if (remote && remote !== hit.manifest) throw new InvalidArgumentError(`the registry stored the manifest as ${remote}, expected ${hit.manifest}`);
    await updateRepositories(layout, (r) => {
      if (r.images[hit.id]) r.refs[`${canonicalName(ref)}@${hit.manifest}`] = { manifest: hit.manifest, id: hit.id };
    });
    progress.line(`${tag}: digest: ${hit.manifest} size: ${manifestBytes.length}`);
    return { tag, digest: hit.manifest, size: manifestBytes.length };
  } finally {
    client.close();
  }
}
