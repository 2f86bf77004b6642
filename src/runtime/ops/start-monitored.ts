// Starts a bundle's container under its own monitor (native/src/monitor.c) and returns once the
// init has finished set-up and exec'd: the container then lives on without us (run -d, start).
import type { Logger } from '../../log/log';
import { spawnMonitor, type MonitorOptions } from '../../monitor/spawn';
import { UndoStack } from '../../store/undo';
import { initChannel } from '../nsexec';
import type { Spec } from '../spec';
import { removeState, type RuntimeState } from '../state';
import { prepareLaunch, recordState } from './launch';
import { readSpec } from './run';

export interface StartMonitoredOptions {
  id: string;
  bundleDir: string;
  stateDir: string;
  log: Logger;
  monitor: Omit<MonitorOptions, 'oomFiles' | 'consoleSocket'>;
  pruneCgroupParent?: boolean;
  seccompCacheDir: string;
  /** Runs after the init exists and sits in its cgroup, before it may continue (attach, network). */
  beforeGo?: (state: RuntimeState) => Promise<void>;
}

export async function startMonitored(opts: StartMonitoredOptions, spec: Spec = readSpec(opts.bundleDir)): Promise<RuntimeState> {
  const { log } = opts;
  return UndoStack.run(async (undo) => {
    const tty = spec.process?.terminal === true;
    const consoleSocket = tty ? `${opts.monitor.attachSocket}.console` : undefined;
    const launch = prepareLaunch(opts, spec, { detach: true, stdinRelay: false, consoleSocket }, undo);
    const oomFiles = launch.cgroups.placements
      .filter((p) => p.hierarchy.controllers.includes('memory') || (p.hierarchy.version === 2 && p.hierarchy.controllers.includes('memory')))
      .map((p) => `${p.dir}/${p.hierarchy.version === 1 ? 'memory.oom_control' : 'memory.events'}`);
    const monitor = spawnMonitor({ ...opts.monitor, consoleSocket, oomFiles });
    log.step('runtime', 'monitor', { pid: monitor.pid });
    const init = initChannel(monitor.runtime, launch.plan, log, -1, undefined);
    undo.push('stop the container', () => init.abort());
    await monitor.ready;
    const pid = await init.waitPid();
    const state = recordState(opts, launch, pid, { pid: monitor.pid });
    undo.push('remove runtime state', () => removeState(opts.stateDir));
    try {
      await opts.beforeGo?.(state);
    } catch (err) {
      throw (await init.initFailure(200)) ?? err;
    }
    init.go();
    log.step('runtime', 'go', {});
    await init.waitExec();
    return state;
  });
}
