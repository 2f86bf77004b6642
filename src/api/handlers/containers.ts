// Containers: create, list, inspect, start/stop/kill/restart, remove, pause/unpause, rename, top,
// export, prune. Each is a few lines over the Engine facade; docker's 304 for a start of a running
// or a stop of a stopped container, and docker's words for missing objects.
import { engineWithWarnings, type ApiContext, type Handler } from '../context';
import { boolQuery, intQuery, readJsonObject, requiredQuery, strQuery } from '../http/request';
import { filterList, parseFilters } from '../filters';
import { notFoundAs } from '../errors';
import { containerInspect, containerSummary } from '../convert/containers';
import { createSpec } from '../convert/create-body';
import { checkPlatform } from '../../engine/platform';
import { ConflictError, FailedPreconditionError, InvalidArgumentError, MydockerError, NotFoundError } from '../../errors/errors';
import type { ContainerRecord } from '../../engine/container-store';
import { familiarString, parseReference } from '../../image/reference';

export function resolveContainer(ctx: ApiContext, ref: string): ContainerRecord {
  return notFoundAs(() => ctx.engine.resolveContainer(ref), `No such container: ${ref}`);
}

function statusOf(ctx: ApiContext, ref: string) {
  return ctx.engine.containerView(ref).derived.status;
}

function imageName(text: string): string {
  try {
    return familiarString(parseReference(text));
  } catch {
    return text;
  }
}

export const create: Handler = async (ctx, req, reply) => {
  const name = strQuery(req.query, 'name');
  const { spec, image } = createSpec(await readJsonObject(req), name);
  const platform = strQuery(req.query, 'platform');
  if (platform) checkPlatform(platform); // docker's create?platform=: this host's platform only (src/engine/platform.ts)
  // The image first: only a missing image answers 404 (the docker CLI then pulls it and tries again).
  try {
    await ctx.engine.images.resolve(image);
  } catch (err) {
    if (err instanceof MydockerError && err.kind === 'NotFound') throw new NotFoundError(`No such image: ${imageName(image)}`, { cause: err });
    throw err;
  }
  const { engine, warnings } = engineWithWarnings(ctx);
  let record: ContainerRecord;
  try {
    record = await engine.createContainer(spec);
  } catch (err) {
    if (err instanceof MydockerError && err.kind === 'NotFound') throw new InvalidArgumentError(err.message, { cause: err });
    throw err;
  }
  if (spec.consoleSize) ctx.attach.rememberSize(record.id, spec.consoleSize);
  reply.json(201, { Id: record.id, Warnings: warnings });
};

export const list: Handler = async (ctx, req, reply) => {
  const filters = filterList(parseFilters(req.query.get('filters')), ['status', 'name', 'id', 'label', 'ancestor', 'exited', 'health']);
  const limit = intQuery(req.query, 'limit');
  const views = await ctx.engine.listContainers({
    all: boolQuery(req.query, 'all'), filters, ...(limit !== undefined && limit > 0 ? { last: limit } : {}),
  });
  // docker's sizes (ps --size): the writable layer, and that plus the image (Engine.containerSize)
  const sized = boolQuery(req.query, 'size');
  const rows = [];
  for (const v of views) rows.push({ ...containerSummary(v), ...(sized ? await ctx.engine.containerSize(v.record.id) : {}) });
  reply.json(200, rows);
};

export const inspect: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const doc = ctx.engine.inspectContainer(record.id);
  const sizes = boolQuery(req.query, 'size') ? await ctx.engine.containerSize(record.id) : undefined;
  reply.json(200, { ...containerInspect(doc, ctx.execs.ofContainer(record.id).map((e) => e.id)), ...sizes });
};

export const start: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const status = statusOf(ctx, record.id);
  if (status === 'running' || status === 'paused' || status === 'restarting') {
    reply.empty(304);
    return;
  }
  try {
    await ctx.attach.start(ctx.engine, record.id);
  } catch (err) {
    // docker's AutoRemove covers a start that failed too (the CLI waits for the removal)
    if (record.hostConfig.AutoRemove) await ctx.engine.removeContainer(record.id, { force: true, volumes: true }).catch(() => undefined);
    throw startError(err, record);
  }
  reply.empty(204);
};

/**
 * A command that cannot run: the docker CLI turns "executable file not found" or "no such file or
 * directory" into exit 127 and "permission denied" into 126, from the message text.
 */
function startError(err: unknown, record: ContainerRecord): unknown {
  if (!(err instanceof MydockerError) || (err.exitCode !== 126 && err.exitCode !== 127)) return err;
  const said = /executable file not found|no such file or directory|permission denied/.test(err.message);
  const cmd = JSON.stringify(record.path);
  const why = said ? '' : err.exitCode === 127 ? `: exec: ${cmd}: executable file not found in $PATH` : `: exec: ${cmd}: permission denied`;
  return new InvalidArgumentError(`failed to create task for container: unable to start container process: ${err.message}${why}`, {
    cause: err, exitCode: err.exitCode,
  });
}

export const stop: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const t = intQuery(req.query, 't');
  const signal = strQuery(req.query, 'signal');
  const status = statusOf(ctx, record.id);
  if (status !== 'running' && status !== 'paused' && status !== 'restarting') {
    reply.empty(304);
    return;
  }
  await ctx.engine.stopContainer(record.id, { ...(t !== undefined && t >= 0 ? { timeoutSec: t } : {}), ...(signal ? { signal } : {}) });
  reply.empty(204);
};

export const kill: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const status = statusOf(ctx, record.id);
  if (status !== 'running' && status !== 'paused') {
    throw new ConflictError(`Cannot kill container: ${req.params.id}: Container ${record.id} is not running`);
  }
  await ctx.engine.killContainer(record.id, strQuery(req.query, 'signal') ?? 'SIGKILL');
  reply.empty(204);
};

export const restart: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const t = intQuery(req.query, 't');
  await ctx.engine.restartContainer(record.id, t !== undefined && t >= 0 ? { timeoutSec: t } : {});
  reply.empty(204);
};

export const remove: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  if (boolQuery(req.query, 'link')) throw new InvalidArgumentError('links are not supported by mydocker');
  await ctx.engine.removeContainer(record.id, { force: boolQuery(req.query, 'force'), volumes: boolQuery(req.query, 'v') });
  reply.empty(204);
};

export const pause: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const status = statusOf(ctx, record.id);
  if (status === 'paused') throw new FailedPreconditionError(`Container ${record.id} is already paused`);
  if (status !== 'running') throw new FailedPreconditionError(`Container ${record.id} is not running`);
  await ctx.engine.pauseContainer(record.id);
  reply.empty(204);
};

export const unpause: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  if (statusOf(ctx, record.id) !== 'paused') throw new FailedPreconditionError(`Container ${record.id} is not paused`);
  await ctx.engine.unpauseContainer(record.id);
  reply.empty(204);
};

export const rename: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  await ctx.engine.renameContainer(record.id, requiredQuery(req.query, 'name'));
  reply.empty(204);
};

export const top: Handler = (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const status = statusOf(ctx, record.id);
  if (status !== 'running' && status !== 'paused') throw new FailedPreconditionError(`Container ${record.id} is not running`);
  const psArgs = (strQuery(req.query, 'ps_args') ?? '').split(/\s+/).filter(Boolean);
  reply.json(200, ctx.engine.top(record.id, psArgs));
};

export const exportContainer: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const out = reply.stream(200, 'application/x-tar');
  try {
    await ctx.engine.exportContainer(record.id, out);
  } finally {
    out.end();
  }
};

export const prune: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  if (filters.size) throw new InvalidArgumentError(`container prune filters (${[...filters.keys()].join(', ')}) are not supported by mydocker`);
  const before = new Map((await ctx.engine.diskUsage()).containers.map((c) => [c.view.record.id, c.size]));
  const removed = await ctx.engine.pruneContainers();
  reply.json(200, { ContainersDeleted: removed.length ? removed : null, SpaceReclaimed: removed.reduce((n, id) => n + (before.get(id) ?? 0), 0) });
};
