// The lifecycle verbs that differ by the container's runtime (HostConfig.Runtime): signals and the
// final release go through runc/crun's CLI for a container they run (src/engine/oci-binary.ts),
// through mydocker's own core otherwise. Status is derived the same way for both (our state file).
import { killContainer as runtimeKill } from '../../runtime/ops/kill';
import type { ContainerRecord } from '../container-store';
import { deleteWithOciBinary, killWithOciBinary, ociBinaryFor } from '../oci-binary';
import { runtimeContainer, type EngineDeps } from './context';

export function signalContainer(deps: EngineDeps, record: ContainerRecord, sig: NodeJS.Signals): void {
  const rt = runtimeContainer(deps, record.id);
  const oci = ociBinaryFor(deps.layout, record.hostConfig.Runtime);
  if (!oci) return runtimeKill(rt, sig, deps.log);
  const status = rt.expect('kill', deps.log); // the same refusal for a stopped container
  killWithOciBinary(oci, record.id, sig, deps.log);
  if (status === 'paused' && sig === 'SIGKILL') rt.cgroups(deps.log).setFrozen(false); // a frozen init cannot die
}

/** runc/crun's own state and cgroup of a stopped container (nothing for mydocker's core). */
export function releaseExternalRuntime(deps: EngineDeps, record: ContainerRecord): void {
  let oci;
  try {
    oci = ociBinaryFor(deps.layout, record.hostConfig.Runtime);
  } catch (err) {
    deps.log.warn('engine', 'cannot release the runtime state', { error: (err as Error).message }); // uninstalled since
    return;
  }
  if (oci) deleteWithOciBinary(oci, record.id, deps.log);
}
