// Starts a bundle's container under its own monitor (native/src/monitor.c) and returns once the
// init has exec'd: OCI create with the monitor as the init's parent, then OCI start. The container
// then lives on without us (run -d, start).
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import type { Logger } from '../../log/log';
import { spawnMonitor, type MonitorOptions } from '../../monitor/spawn';
import { initChannel } from '../nsexec';
import type { Spec } from '../spec';
import type { RuntimeState } from '../state';
import { createContainer } from './create';
import { deleteContainer } from './delete';
import { readSpec } from './run';
import { startContainer } from './start';

export interface StartMonitoredOptions {
  id: string;
  /** The runtime root: the container's state goes to <root>/<id>. */
  root: string;
  bundleDir: string;
  log: Logger;
  monitor: Omit<MonitorOptions, 'oomFiles' | 'consoleSocket'>;
  pruneCgroupParent?: boolean;
  seccompCacheDir: string;
  /** Runs after the init exists and sits in its cgroup, before it may continue (attach, network). */
  beforeGo?: (state: RuntimeState) => Promise<void>;
}

export async function startMonitored(opts: StartMonitoredOptions, spec: Spec = readSpec(opts.bundleDir)): Promise<RuntimeState> {
  const { log } = opts;
  const consoleSocket = spec.process?.terminal === true ? `${opts.monitor.attachSocket}.console` : undefined;
  const { container, state, init } = await createContainer({
    id: opts.id, root: opts.root, bundleDir: opts.bundleDir, log, seccompCacheDir: opts.seccompCacheDir, consoleSocket,
    pruneCgroupParent: opts.pruneCgroupParent, beforeGo: opts.beforeGo, keepChannel: true,
    spawn: (plan) => {
      const cgroups = new CgroupManager(detectHostCgroups(), spec.linux?.cgroupsPath ?? opts.id, log);
      const oomFiles = cgroups.placements
        .filter((p) => p.hierarchy.controllers.includes('memory'))
        .map((p) => `${p.dir}/${p.hierarchy.version === 1 ? 'memory.oom_control' : 'memory.events'}`);
      const monitor = spawnMonitor({ ...opts.monitor, consoleSocket, oomFiles });
      monitor.ready.then((pid) => log.step('runtime', 'monitor', { pid }), () => undefined); // create awaits it and reports a failure
      return { init: initChannel(monitor.runtime, plan, log, -1, undefined), monitor };
    },
  }, spec);
  try {
    await startContainer(container, log);
    await init.waitExec();
  } catch (err) {
    init.abort();
    await deleteContainer(container, log, { force: true }).catch(() => undefined); // the first error is the one to report
    throw err;
  }
  return state;
}
