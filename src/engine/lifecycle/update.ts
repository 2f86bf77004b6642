// docker update: new resource limits (and restart policy) for a container. The change is merged into the
// container's HostConfig by docker's rules (a zero field means "leave it"), checked by the same validators as
// create, written to the cgroups of a running or paused container, then recorded (ContainerStore.update), so
// inspect shows it and the next start uses it. A stopped container is updated in its record only.
//
//   request ─merge─▶ HostConfig' ─specToRunOptions─▶ flags ─resolveResources─▶ OCI resources
//        running? ─▶ runtime update op (cgroup files) ─▶ record (hostConfig + limits.resources) ─▶ "update" event
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import { updateContainer as runtimeUpdate } from '../../runtime/ops/update';
import { defaultRunOptions, hostConfigFor, parseRestartPolicy, type HostConfig } from '../container-config';
import { specToRunOptions, type SpecHostConfig } from '../container-spec';
import type { ContainerRecord } from '../container-store';
import { readHostLimits } from '../host-limits';
import { resolveResources, type ResolvedResources } from '../resources';
import { event, lockContainer, runtimeContainer, store, viewContainer, type EngineDeps } from './context';

/** The HostConfig fields update may change (what inspect shows afterwards). */
const UPDATED_FIELDS = [
  'Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight',
  'CpuRealtimePeriod', 'CpuRealtimeRuntime',
] as const satisfies readonly (keyof HostConfig & keyof SpecHostConfig)[];

/**
 * docker's update body (container.UpdateConfig): those Resources fields, typed as in the create body, and
 * RestartPolicy; 0, "" and null mean "unchanged" (PidsLimit 0 or negative: unlimited).
 */
export type ContainerUpdate = Pick<SpecHostConfig, (typeof UPDATED_FIELDS)[number] | 'RestartPolicy'>;

const conflict = (message: string) => new InvalidArgumentError(`conflicting options: ${message}`);

/**
 * The container's resource settings with the update applied, as a create body's HostConfig, by docker's rules:
 * --cpus and --cpu-period/--cpu-quota exclude each other across updates; a memory limit above the swap limit in
 * force needs a new --memory-swap with it. The swap in force is the recorded one, else the default create chose.
 */
export function mergeUpdate(h: HostConfig, limits: ResolvedResources, u: ContainerUpdate): SpecHostConfig {
  if (u.NanoCpus && h.CpuPeriod) throw conflict('--cpus cannot be updated as --cpu-period has already been set');
  if (u.NanoCpus && h.CpuQuota) throw conflict('--cpus cannot be updated as --cpu-quota has already been set');
  if (u.CpuPeriod && h.NanoCpus) throw conflict('--cpu-period cannot be updated as --cpus has already been set');
  if (u.CpuQuota && h.NanoCpus) throw conflict('--cpu-quota cannot be updated as --cpus has already been set');
  const swapInForce = h.MemorySwap || limits.resources.memory?.swap || 0;
  if (u.Memory && !u.MemorySwap && swapInForce > 0 && u.Memory > swapInForce) {
    throw new InvalidArgumentError(
      `invalid value "${u.Memory}" for --memory: the memory limit must not exceed the memory+swap limit in force (${swapInForce}); update --memory-swap at the same time`,
    );
  }
  const merged: SpecHostConfig = {
    Memory: h.Memory, MemorySwap: swapInForce, MemoryReservation: h.MemoryReservation, NanoCpus: h.NanoCpus, CpuShares: h.CpuShares,
    CpuPeriod: h.CpuPeriod, CpuQuota: h.CpuQuota, CpusetCpus: h.CpusetCpus, CpusetMems: h.CpusetMems, PidsLimit: h.PidsLimit,
    BlkioWeight: h.BlkioWeight, OomKillDisable: h.OomKillDisable, MemorySwappiness: h.MemorySwappiness, CpuRealtimePeriod: h.CpuRealtimePeriod,
    CpuRealtimeRuntime: h.CpuRealtimeRuntime, BlkioWeightDevice: h.BlkioWeightDevice, BlkioDeviceReadBps: h.BlkioDeviceReadBps,
    BlkioDeviceWriteBps: h.BlkioDeviceWriteBps, BlkioDeviceReadIOps: h.BlkioDeviceReadIOps, BlkioDeviceWriteIOps: h.BlkioDeviceWriteIOps,
  };
  for (const key of UPDATED_FIELDS) {
    const v = u[key];
    if (key === 'PidsLimit' ? v !== undefined && v !== null : v) (merged as Record<string, unknown>)[key] = key === 'PidsLimit' && (v as number) <= 0 ? -1 : v;
  }
  if (!merged.Memory) merged.MemorySwap = 0; // no memory limit: no swap limit to keep either
  return merged;
}

export interface UpdateResult {
  warnings: string[];
}

export async function updateContainer(deps: EngineDeps, ref: string, u: ContainerUpdate): Promise<UpdateResult> {
  const id = store(deps).resolve(ref).id;
  return lockContainer(deps, id, async () => {
    const record = store(deps).resolve(id); // as it is now, under the lock
    const restart = u.RestartPolicy?.Name ? parseRestartPolicy(restartText(u.RestartPolicy)) : undefined;
    if (restart && restart.Name !== 'no' && record.hostConfig.AutoRemove) {
      throw conflict('the restart policy cannot be updated because --rm (AutoRemove) is set for the container');
    }
    const merged = mergeUpdate(record.hostConfig, record.limits, u);
    const flags = { ...specToRunOptions({ config: {}, hostConfig: merged }).resources, ulimits: [], cgroupParent: undefined };
    // the same checks as create; the warnings create gave are not repeated
    const resolved = resolveResources(flags, readHostLimits());
    const limits: ResolvedResources = { ...record.limits, resources: resolved.resources };
    const shown = hostConfigFor(defaultRunOptions({ resources: flags }), limits);
    const status = viewContainer(deps, record).derived.status;
    if (status === 'restarting') throw new FailedPreconditionError(`cannot update container ${record.name}: it is restarting, try again when it runs`);
    const live = status === 'running' || status === 'paused';
    if (live) applyLive(deps, record, limits, record.limits);
    try {
      store(deps).update(id, (r) => {
        for (const key of UPDATED_FIELDS) (r.hostConfig as unknown as Record<string, unknown>)[key] = shown[key];
        if (restart) r.hostConfig.RestartPolicy = restart;
        r.limits = limits;
      });
    } catch (err) {
      if (live) restoreLive(deps, record);
      throw err;
    }
    deps.log.step('engine', 'container-update', { id, live });
    event(deps, record, 'update');
    return { warnings: [] };
  });
}

function restartText(p: NonNullable<ContainerUpdate['RestartPolicy']>): string {
  return p.Name === 'on-failure' && p.MaximumRetryCount ? `on-failure:${p.MaximumRetryCount}` : p.Name ?? '';
}

/** The new limits into the cgroup files; on a failure half-way, the old ones go back before the error is reported. */
function applyLive(deps: EngineDeps, record: ContainerRecord, next: ResolvedResources, previous: ResolvedResources): void {
  try {
    runtimeUpdate(runtimeContainer(deps, record.id), next.resources, deps.log);
  } catch (err) {
    try {
      runtimeUpdate(runtimeContainer(deps, record.id), previous.resources, deps.log);
    } catch (undoErr) {
      deps.log.warn('engine', 'could not restore the previous limits', { id: record.id, error: (undoErr as Error).message });
    }
    const message = (err as Error).message;
    // the kernel refuses a memory limit below what it cannot reclaim from the container
    const why = /memory\.(limit_in_bytes|memsw\.limit_in_bytes|max)\b.*EBUSY/.test(message) ? ': the container uses more memory than the new limit' : '';
    throw new FailedPreconditionError(`cannot update container ${record.name}: ${message}${why}`, { cause: err });
  }
}

function restoreLive(deps: EngineDeps, record: ContainerRecord): void {
  try {
    runtimeUpdate(runtimeContainer(deps, record.id), record.limits.resources, deps.log);
  } catch (err) {
    deps.log.warn('engine', 'could not restore the previous limits', { id: record.id, error: (err as Error).message });
  }
}
