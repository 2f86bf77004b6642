// docker cp over the API: HEAD (stat), GET (a tar of a path) and PUT (a tar unpacked into a
// directory) on /containers/{id}/archive. The engine copies between a container and host paths, so
// both directions are staged in a private directory under the store's tmp: GET copies out and tars
// the copy with the project's writer; PUT unpacks the upload with the layer extractor (names
// cleaned, nothing followed out of the stage) and copies in. The container side is always resolved
// by the engine inside the container's root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ApiContext, Handler } from '../context';
import { boolQuery, requiredQuery } from '../http/request';
import { resolveContainer } from './containers';
import { notFoundAsAsync } from '../errors';
import { InvalidArgumentError } from '../../errors/errors';
import { extractLayer } from '../../archive/extract';
import { tarStream, type TarInput } from '../../archive/tar-writer';

/** Go's os.FileMode bits for the stat header (the docker CLI checks IsDir and the link bit). */
export function goFileMode(st: fs.Stats): number {
  let mode = st.mode & 0o777;
  if (st.mode & 0o4000) mode += 2 ** 23;
  if (st.mode & 0o2000) mode += 2 ** 22;
  if (st.mode & 0o1000) mode += 2 ** 20;
  if (st.isDirectory()) mode += 2 ** 31;
  else if (st.isSymbolicLink()) mode += 2 ** 27;
  else if (st.isFIFO()) mode += 2 ** 25;
  else if (st.isSocket()) mode += 2 ** 24;
  else if (st.isCharacterDevice()) mode += 2 ** 26 + 2 ** 21;
  else if (st.isBlockDevice()) mode += 2 ** 26;
  return mode;
}

async function statHeader(ctx: ApiContext, ref: string, p: string): Promise<{ header: string; isDir: boolean; name: string }> {
  const { name, stats, linkTarget } = await notFoundAsAsync(() => ctx.engine.statContainerPath(ref, p), `Could not find the file ${p} in container ${ref}`);
  const doc = { name: name || '/', size: stats.size, mode: goFileMode(stats), mtime: stats.mtime.toISOString(), linkTarget };
  return { header: Buffer.from(JSON.stringify(doc)).toString('base64'), isDir: stats.isDirectory(), name: doc.name };
}

function stageDir(ctx: ApiContext): string {
  const tmp = ctx.engine.deps.layout.tmpDir;
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  return fs.mkdtempSync(path.join(tmp, 'api-cp-'));
}

export const head: Handler = async (ctx, req, reply) => {
  resolveContainer(ctx, req.params.id);
  const stat = await statHeader(ctx, req.params.id, requiredQuery(req.query, 'path'));
  reply.empty(200, { 'X-Docker-Container-Path-Stat': stat.header, 'Content-Type': 'application/json' });
};

/** The staged tree as tar entries under `top`, never following a link. */
async function* treeEntries(dir: string, top: string): AsyncGenerator<TarInput> {
  const st = fs.lstatSync(dir);
  const common = { path: top, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
  if (st.isSymbolicLink()) {
    yield { entry: { ...common, type: 'symlink', linkpath: fs.readlinkSync(dir) } };
  } else if (st.isDirectory()) {
    yield { entry: { ...common, type: 'dir' } };
    for (const name of fs.readdirSync(dir).sort()) yield* treeEntries(path.join(dir, name), `${top}/${name}`);
  } else if (st.isFile()) {
    yield { entry: { ...common, type: 'file', size: st.size }, body: fs.createReadStream(dir) };
  }
}

export const get: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const p = requiredQuery(req.query, 'path');
  const stat = await statHeader(ctx, req.params.id, p);
  const stage = stageDir(ctx);
  try {
    // "dir/." asks for the directory's contents: the whole directory is staged, its entries named "./…"
    const contents = /(^|\/)\.$/.test(p);
    const source = contents ? p.replace(/\/?\.$/, '') || '/' : p;
    await ctx.engine.copy({ container: record.id, path: source }, { path: `${stage}/` }, { archive: true });
    const staged = fs.readdirSync(stage);
    if (staged.length !== 1) throw new InvalidArgumentError(`copying ${p} out of the container gave ${staged.length} entries`);
    const top = contents ? '.' : stat.name === '/' ? staged[0] : stat.name;
    const out = reply.stream(200, 'application/x-tar', { 'X-Docker-Container-Path-Stat': stat.header });
    const tar = tarStream(treeEntries(path.join(stage, staged[0]), top));
    await new Promise<void>((resolve, reject) => {
      tar.on('error', reject);
      tar.on('end', () => resolve());
      tar.pipe(out);
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
};

export const put: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const p = requiredQuery(req.query, 'path');
  const stat = await statHeader(ctx, req.params.id, p);
  if (!stat.isDir) throw new InvalidArgumentError(`extraction point is not a directory: ${p}`);
  const stage = stageDir(ctx);
  try {
    const upload = path.join(stage, 'upload');
    fs.mkdirSync(upload, { mode: 0o700 });
    await extractLayer(req.body, upload, { log: ctx.log });
    if (fs.readdirSync(upload).length) {
      await ctx.engine.copy({ path: `${upload}/.` }, { container: record.id, path: p.endsWith('/') ? p : `${p}/` }, {
        archive: boolQuery(req.query, 'copyUIDGID'),
      });
    }
    reply.empty(200);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
};
