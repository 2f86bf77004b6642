// Volumes: list, inspect, create, remove, prune (local driver only).
import type { Handler } from '../context';
import { boolQuery, readJsonObject } from '../http/request';
import { filterList, filterValues, parseFilters } from '../filters';
import { notFoundAsAsync } from '../errors';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import { parseVolumeFilters } from '../../engine/volumes';

export const list: Handler = (ctx, req, reply) => {
  const filters = parseVolumeFilters(filterList(parseFilters(req.query.get('filters')), ['dangling', 'name', 'label', 'driver']));
  const vols = ctx.engine.listVolumes(filters);
  reply.json(200, { Volumes: vols.map((v) => ctx.engine.inspectVolume(v.name)).filter((v) => v !== undefined), Warnings: [] });
};

export const inspect: Handler = (ctx, req, reply) => {
  const v = ctx.engine.inspectVolume(req.params.name);
  if (!v) throw new NotFoundError(`get ${req.params.name}: no such volume`);
  reply.json(200, v);
};

export const create: Handler = async (ctx, req, reply) => {
  const body = await readJsonObject(req);
  const name = body.Name === undefined || body.Name === null || body.Name === '' ? undefined : body.Name;
  if (name !== undefined && typeof name !== 'string') throw new InvalidArgumentError('invalid JSON: Name must be a string');
  const driver = body.Driver;
  if (driver !== undefined && driver !== null && driver !== '' && driver !== 'local') {
    throw new InvalidArgumentError(`volume driver ${JSON.stringify(driver)} is not supported by mydocker (local only)`);
  }
  const opts = body.DriverOpts;
  if (opts && typeof opts === 'object' && Object.keys(opts).length) throw new InvalidArgumentError('volume driver options are not supported by mydocker');
  const labels = body.Labels && typeof body.Labels === 'object' ? Object.entries(body.Labels as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`) : [];
  const vol = await ctx.engine.createVolume(name, labels);
  reply.json(201, ctx.engine.inspectVolume(vol.name));
};

export const remove: Handler = async (ctx, req, reply) => {
  const name = req.params.name;
  await notFoundAsAsync(() => ctx.engine.removeVolume(name, { force: boolQuery(req.query, 'force') }), `get ${name}: no such volume`);
  reply.empty(204);
};

export const prune: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  for (const key of filters.keys()) if (key !== 'all') throw new InvalidArgumentError(`volume prune filter '${key}' is not supported by mydocker`);
  const all = filterValues(filters, 'all').some((v) => /^(true|1)$/i.test(v));
  const result = await ctx.engine.pruneVolumes({ all });
  reply.json(200, { VolumesDeleted: result.deleted.length ? result.deleted : null, SpaceReclaimed: result.reclaimed });
};
