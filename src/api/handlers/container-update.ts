// POST /containers/{id}/update: docker's UpdateConfig (Resources fields and RestartPolicy) checked field by
// field; the docker CLI sends every field, zeros meaning "unchanged", which is the engine's rule too.
import { engineWithWarnings, type Handler } from '../context';
import { readJsonObject } from '../http/request';
import { InvalidArgumentError } from '../../errors/errors';
import type { ContainerUpdate } from '../../engine';
import { resolveContainer } from './containers';

const NUMBERS = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight', 'CpuRealtimePeriod', 'CpuRealtimeRuntime'] as const;
const STRINGS = ['CpusetCpus', 'CpusetMems'] as const;
/** Fields the docker CLI sends that mydocker's update does not change: refused unless at their zero value. */
const UNSUPPORTED = ['KernelMemory', 'KernelMemoryTCP', 'CpuCount', 'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth'];

export function updateBody(body: Record<string, unknown>): ContainerUpdate {
  const bad = (name: string, what: string) => new InvalidArgumentError(`invalid JSON: ${name} must be ${what}`);
  const out: ContainerUpdate = {};
  for (const k of NUMBERS) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(k, 'a number');
    out[k] = v;
  }
  for (const k of STRINGS) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw bad(k, 'a string');
    out[k] = v;
  }
  if (body.PidsLimit !== undefined && body.PidsLimit !== null) {
    if (typeof body.PidsLimit !== 'number') throw bad('PidsLimit', 'a number');
    out.PidsLimit = body.PidsLimit;
  }
  for (const k of UNSUPPORTED) {
    if (body[k] !== undefined && body[k] !== null && body[k] !== 0) throw new InvalidArgumentError(`${k} cannot be updated by mydocker`);
  }
  const rp = body.RestartPolicy;
  if (rp !== undefined && rp !== null) {
    if (typeof rp !== 'object' || Array.isArray(rp)) throw bad('RestartPolicy', 'an object');
    const { Name, MaximumRetryCount } = rp as Record<string, unknown>;
    if (Name !== undefined && typeof Name !== 'string') throw bad('RestartPolicy.Name', 'a string');
    if (MaximumRetryCount !== undefined && typeof MaximumRetryCount !== 'number') throw bad('RestartPolicy.MaximumRetryCount', 'a number');
    if (Name) out.RestartPolicy = { Name, ...(typeof MaximumRetryCount === 'number' ? { MaximumRetryCount } : {}) };
  }
  return out;
}

export const update: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const body = updateBody(await readJsonObject(req));
  const { engine, warnings } = engineWithWarnings(ctx);
  const result = await engine.updateContainer(record.id, body);
  reply.json(200, { Warnings: [...warnings, ...result.warnings] });
};
