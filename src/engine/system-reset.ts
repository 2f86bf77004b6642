// `system reset` (podman's verb): every container, network (the default bridge too), volume and
// image goes, with everything they hold on the host (mounts, cgroups, bridges, rules, leases),
// and then the state directories themselves. Images and volumes are plain files under the root.
import * as fs from 'node:fs';
import { listNetworks, removeNetwork } from '../network/networks';
import { PSEUDO_NETWORKS } from '../network/store';
import { isMountpoint } from '../storage/overlay';
import { inUserNamespace, stopPauseProcess } from '../sys/rootless';
import { removeContainer } from './lifecycle/remove';
import { store, type EngineDeps } from './lifecycle/context';

export async function resetSystem(deps: EngineDeps): Promise<{ containers: number; networks: number }> {
  const records = store(deps).list();
  for (const r of records) await removeContainer(deps, r.id, { force: true, volumes: true });
  const networks = listNetworks(deps).map((n) => n.Name).filter((n) => !(PSEUDO_NETWORKS as readonly string[]).includes(n));
  for (const name of networks) await removeNetwork(deps, name, { predefined: true });
  // rootless: the pause process would outlive its pid file and hold a namespace nothing uses any more
  if (inUserNamespace()) {
    const pid = stopPauseProcess(deps.layout.runroot);
    if (pid) deps.log.step('engine', 'pause-process-stop', { pid });
  }
  for (const dir of [deps.layout.root, deps.layout.runroot]) {
    if (mountsBelow(dir).length) throw new Error(`cannot remove ${dir}: ${mountsBelow(dir)[0]} is still mounted`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { containers: records.length, networks: networks.length };
}

function mountsBelow(dir: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && (p === dir || p.startsWith(dir + '/')) && isMountpoint(p));
}
