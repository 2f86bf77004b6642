// Images: list, inspect, history, create (pull, or import with fromSrc), push, tag, remove, prune,
// get (save), load, and commit.
import type { ApiContext, Handler } from '../context';
import type { ApiRequest } from '../http/request';
import { boolQuery, readJsonObject, requiredQuery, strQuery } from '../http/request';
import { filterValues, parseFilters } from '../filters';
import { notFoundAsAsync } from '../errors';
import { historyItems, imageSummary } from '../convert/images';
import { withProgress } from '../progress';
import { resolveContainer } from './containers';
import { InvalidArgumentError, MydockerError, NotFoundError } from '../../errors/errors';
import type { ImageRecord } from '../../image/store';
import { parseChanges, splitChanges } from '../../image/changes';
import { matchesLabel } from '../../engine/filters';

/** X-Registry-Auth: base64url JSON {username, password, serveraddress}; empty or "{}" means none. */
export function registryAuth(req: ApiRequest): { username: string; password: string } | undefined {
  const header = req.headers['x-registry-auth'];
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: not base64-encoded JSON');
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const { username, password } = doc as { username?: unknown; password?: unknown };
  return typeof username === 'string' && username && typeof password === 'string' ? { username, password } : undefined;
}

function noSuchImage(name: string) {
  return <T>(fn: () => Promise<T>) => notFoundAsAsync(fn, `No such image: ${name}`);
}

/** docker's glob for reference filters: * matches within a path component. */
function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*')}$`);
  return re.test(text);
}

function referenceMatches(img: ImageRecord, pattern: string): boolean {
  return img.repoTags.some((t) => globMatch(pattern, t) || globMatch(pattern, t.slice(0, t.lastIndexOf(':'))));
}

export const list: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  for (const key of filters.keys()) {
    if (!['dangling', 'label', 'reference'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
  let images = await ctx.engine.listImages([], { all: /^(1|true)$/i.test(req.query.get('all') ?? '') });
  const dangling = filterValues(filters, 'dangling');
  if (dangling.length) images = images.filter((i) => (i.repoTags.length === 0) === /^(true|1)$/i.test(dangling[0]));
  const labels = filterValues(filters, 'label');
  if (labels.length) images = images.filter((i) => labels.every((l) => matchesLabel(i.config.Labels ?? {}, l)));
  const refs = filterValues(filters, 'reference');
  if (refs.length) images = images.filter((i) => refs.some((r) => referenceMatches(i, r)));
  reply.json(200, images.map(imageSummary));
};

export const inspect: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  reply.json(200, await noSuchImage(name)(() => ctx.engine.inspectImage(name)));
};

export const history: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  const img = await noSuchImage(name)(() => ctx.engine.images.resolve(name));
  reply.json(200, historyItems(await ctx.engine.imageHistory(img.id), img.repoTags));
};

/** POST /images/create: pull (fromImage) or import a rootfs tarball (fromSrc, "-" for the body). */
export const create: Handler = async (ctx, req, reply) => {
  const q = req.query;
  const fromImage = strQuery(q, 'fromImage');
  const fromSrc = strQuery(q, 'fromSrc');
  const tag = strQuery(q, 'tag');
  if (fromImage) {
    const ref = !tag ? fromImage : tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
    const credentials = registryAuth(req);
    await withProgress(reply, async (progress) => {
      await ctx.engine.pullImage(ref, { progress, ...(credentials ? { credentials } : {}) });
    });
    return;
  }
  if (fromSrc) {
    if (fromSrc !== '-') throw new InvalidArgumentError('importing from a URL is not supported by mydocker: send the tarball as the body (fromSrc=-)');
    const repo = strQuery(q, 'repo');
    const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
    const changes = splitChanges(q.getAll('changes'));
    const message = strQuery(q, 'message');
    await withProgress(reply, async (progress) => {
      const img = await ctx.engine.importImage(req.body, ref, { changes: parseChanges(changes), ...(message ? { message } : {}) });
      progress.write({ status: img.id });
    });
    return;
  }
  throw new InvalidArgumentError('fromImage or fromSrc is required');
};

export const push: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  const tag = strQuery(req.query, 'tag');
  const ref = tag ? `${name}:${tag}` : name;
  const credentials = registryAuth(req);
  await withProgress(reply, async (progress) => {
    const result = await ctx.engine.pushImage(ref, { progress, ...(credentials ? { credentials } : {}) });
    progress.write({ progressDetail: {}, aux: { Tag: result.tag, Digest: result.digest, Size: result.size } });
  });
};

export const tag: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  const repo = requiredQuery(req.query, 'repo');
  const t = strQuery(req.query, 'tag');
  await noSuchImage(name)(() => ctx.engine.images.resolve(name));
  await ctx.engine.tagImage(name, t ? `${repo}:${t}` : repo);
  reply.empty(201);
};

function removeReport(events: { kind: 'untagged' | 'deleted'; value: string }[]) {
  return events.map((e) => (e.kind === 'untagged' ? { Untagged: e.value } : { Deleted: e.value }));
}

export const remove: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  const result = await ctx.engine.removeImages([name], { force: boolQuery(req.query, 'force') });
  const [err] = result.errors;
  if (err) {
    if (err instanceof MydockerError && err.kind === 'NotFound') throw new NotFoundError(`No such image: ${name}`, { cause: err });
    throw err;
  }
  reply.json(200, removeReport(result.events));
};

export const prune: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  for (const key of filters.keys()) if (key !== 'dangling') throw new InvalidArgumentError(`image prune filter '${key}' is not supported by mydocker`);
  const dangling = filterValues(filters, 'dangling');
  const all = dangling.length > 0 && /^(false|0)$/i.test(dangling[0]);
  const result = await ctx.engine.pruneImages({ all });
  reply.json(200, { ImagesDeleted: result.events.length ? removeReport(result.events) : null, SpaceReclaimed: result.reclaimed });
};

async function save(ctx: ApiContext, names: string[], reply: Parameters<Handler>[2]): Promise<void> {
  if (!names.length) throw new InvalidArgumentError('no image names given');
  for (const n of names) await noSuchImage(n)(() => ctx.engine.images.resolve(n));
  const tar = await ctx.engine.saveImages(names);
  const out = reply.stream(200, 'application/x-tar');
  await new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    out.on('error', reject);
    tar.on('end', () => resolve());
    tar.pipe(out);
  });
}

export const getMany: Handler = (ctx, req, reply) => save(ctx, req.query.getAll('names').filter(Boolean), reply);

export const getOne: Handler = (ctx, req, reply) => save(ctx, [req.params.name], reply);

/** POST /images/load: "quiet" only drops progress bars in docker, which mydocker does not draw for a load. */
export const load: Handler = async (ctx, req, reply) => {
  await withProgress(reply, async (progress) => {
    const result = await ctx.engine.loadImages(req.body, 'the request body');
    for (const img of result.images) {
      if (img.tags.length) for (const t of img.tags) progress.write({ stream: `Loaded image: ${t}\n` });
      else progress.write({ stream: `Loaded image ID: ${img.id}\n` });
    }
  });
};

export const commit: Handler = async (ctx, req, reply) => {
  const q = req.query;
  const record = resolveContainer(ctx, requiredQuery(q, 'container'));
  await readJsonObject(req); // the body's Config: changes are what mydocker applies (docker's --change)
  const repo = strQuery(q, 'repo');
  const t = strQuery(q, 'tag');
  const comment = strQuery(q, 'comment');
  const author = strQuery(q, 'author');
  const img = await ctx.engine.commitContainer(record.id, {
    ...(repo ? { ref: t ? `${repo}:${t}` : repo } : {}), ...(comment ? { message: comment } : {}), ...(author ? { author } : {}),
    changes: splitChanges(q.getAll('changes')), pause: boolQuery(q, 'pause', true),
  });
  reply.json(201, { Id: img.id });
};
