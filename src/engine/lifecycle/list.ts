// docker ps: every container's view, newest first, filtered; stale ones are repaired on the way
// (a container whose process died while nothing watched releases what it held).
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../../errors/errors';
import { Lock } from '../../store/lock';
import type { Status } from '../container-status';
import { store, viewContainer, type ContainerView, type EngineDeps } from './context';
import { releaseStopped } from './teardown';
import { matchesAll, matchesLabel, parseFilters } from '../filters';

export { parseFilters };

export interface ListOptions {
  all: boolean;
  /** docker's --filter key=value (src/engine/filters.ts says how they combine). */
  filters: string[];
  last?: number;
  latest?: boolean;
}

const HEALTH_FILTERS = ['starting', 'healthy', 'unhealthy', 'none'];
const STATUSES: Status[] = ['created', 'running', 'paused', 'restarting', 'exited', 'dead'];

function matches(view: ContainerView, filters: Map<string, string[]>, imageIdsFor: (ref: string) => string | undefined): boolean {
  const { record } = view;
  return matchesAll(filters, (key, v) => {
    switch (key) {
      case 'status':
        if (!STATUSES.includes(v as Status)) throw new InvalidArgumentError(`invalid filter 'status=${v}'`, { hint: `statuses: ${STATUSES.join(', ')}` });
        return view.derived.status === v;
      case 'name': return new RegExp(v).test(record.name);
      case 'id': return record.id.startsWith(v);
      case 'label': return matchesLabel(record.config.Labels, v);
      case 'ancestor': return record.image === v || record.imageId === imageIdsFor(v) || record.imageId.startsWith(`sha256:${v}`);
      case 'exited': return view.derived.status === 'exited' && String(view.exit?.exitCode) === v;
      case 'health':
        if (!HEALTH_FILTERS.includes(v)) throw new InvalidArgumentError(`unrecognized filter value for health: ${v}`);
        return (view.health?.Status ?? 'none') === v;
      default: return false;
    }
  });
}

/** Releases a stale container's resources if nobody else is working on it right now. */
async function repair(deps: EngineDeps, view: ContainerView): Promise<ContainerView> {
  const lock = new Lock(deps.layout.lockFile(`container-${view.record.id}`));
  if (!lock.tryAcquire()) return view;
  try {
    const fresh = viewContainer(deps, view.record);
    if (fresh.derived.stale) await releaseStopped(deps, fresh);
    return viewContainer(deps, view.record);
  } finally {
    lock.release();
  }
}

/** Removes what creates killed half-way left (never a directory whose create is still running). */
export function sweepAbandonedCreates(deps: EngineDeps): void {
  const held = (id: string) => {
    const lock = new Lock(deps.layout.lockFile(`container-${id}`));
    if (!lock.tryAcquire()) return true;
    lock.release();
    return false;
  };
  for (const dir of store(deps).abandonedCreates(held)) fs.rmSync(dir, { recursive: true, force: true });
}

export async function listContainers(deps: EngineDeps, opts: ListOptions): Promise<ContainerView[]> {
  const filters = parseFilters(opts.filters, ['status', 'name', 'id', 'label', 'ancestor', 'exited', 'health']);
  const imageIds = new Map<string, string | undefined>();
  const imageIdFor = (ref: string) => imageIds.get(ref);
  for (const v of filters.get('ancestor') ?? []) imageIds.set(v, (await deps.images.find(v).catch(() => undefined))?.id);
  sweepAbandonedCreates(deps);
  let views = store(deps).list().map((r) => viewContainer(deps, r));
  views = await Promise.all(views.map((v) => (v.derived.stale ? repair(deps, v) : v)));
  views.sort((a, b) => (a.record.created < b.record.created ? 1 : -1));
  if (opts.latest) views = views.slice(0, 1);
  else if (opts.last !== undefined && opts.last >= 0) views = views.slice(0, opts.last);
  else if (!opts.all && !filters.has('status')) views = views.filter((v) => v.derived.status === 'running' || v.derived.status === 'paused' || v.derived.status === 'restarting');
  return views.filter((v) => matches(v, filters, imageIdFor));
}
