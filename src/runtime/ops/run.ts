// Runs an OCI bundle in the foreground (runc run): create the init, put it in its cgroup, let it
// exec, relay signals, wait, tear down. The engine's `run` and the runc-compatible front share it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { UndoStack } from '../../store/undo';
import { readHostFacts } from '../host-facts';
import { spawnInit, type InitResult, type StdioSlot } from '../nsexec';
import { encodePlan } from '../plan';
import type { Spec } from '../spec';
import { specToPlan } from '../specconv';
import { pidStartTime, saveState } from '../state';

export interface RunBundleOptions {
  id: string;
  bundleDir: string;
  /** Where this container's runtime state lives (e.g. <runroot>/runtime/<id>). */
  stateDir: string;
  log: Logger;
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  /** -i with -t: copy our stdin into the pty. */
  stdinRelay: boolean;
  /** Signals this process receives go to the container (docker's sig-proxy). */
  forwardSignals: boolean;
  /** Remove the cgroup's parent when it is left empty (the engine's own /mydocker parent). */
  pruneCgroupParent?: boolean;
  /** Called once the container process exists, before it execs. */
  onStarted?: (pid: number) => void;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export function readSpec(bundleDir: string): Spec {
  const file = path.join(bundleDir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Spec;
  } catch (err) {
    throw new InvalidArgumentError(`invalid ${file}: ${(err as Error).message}`);
  }
}

export interface RunBundleResult extends InitResult {
  /** The kernel's OOM killer killed a process of the container (read before its cgroup goes). */
  oomKilled: boolean;
  memoryLimit?: number;
}

export async function runBundle(opts: RunBundleOptions, spec: Spec = readSpec(opts.bundleDir)): Promise<RunBundleResult> {
  const { log } = opts;
  const plan = specToPlan(spec, { bundleDir: opts.bundleDir, detach: false, stdinRelay: opts.stdinRelay, log: log.stepsEnabled }, readHostFacts());
  const planBytes = encodePlan(plan);
  log.step('runtime', 'plan', { bytes: planBytes.length, mounts: plan.mounts.length, devices: plan.devices.length });
  const cgroupsPath = spec.linux?.cgroupsPath || opts.id;
  const cgroups = new CgroupManager(detectHostCgroups(), cgroupsPath, log);

  const undo = new UndoStack();
  let createdCgroups: string[] = [];
  const signalHandlers = new Map<NodeJS.Signals, () => void>();
  try {
    createdCgroups = cgroups.create();
    undo.push('remove cgroup', async () => {
      await cgroups.destroy(createdCgroups);
      if (opts.pruneCgroupParent) await cgroups.pruneParent();
    });
    cgroups.apply(spec.linux?.resources);

    const init = spawnInit(planBytes, { stdio: opts.stdio, log });
    log.step('runtime', 'spawn', { path: 'mydocker-nsexec', pid: init.stage0Pid });
    let pid: number;
    try {
      pid = await init.waitPid();
      cgroups.join(pid);
    } catch (err) {
      init.abort();
      await init.waitExit().catch(() => undefined);
      throw err;
    }
    if (opts.forwardSignals) {
      for (const sig of FORWARDED) {
        const h = () => {
          try {
            process.kill(pid, sig);
          } catch {
            // the container is already gone
          }
        };
        signalHandlers.set(sig, h);
        process.on(sig, h);
      }
    }
    // The terminal's size changes reach the CLI (foreground process group); stage-0 resizes the pty.
    const winch = () => {
      try {
        process.kill(init.stage0Pid, 'SIGWINCH');
      } catch {
        // stage-0 is gone
      }
    };
    signalHandlers.set('SIGWINCH', winch);
    process.on('SIGWINCH', winch);

    init.go();
    log.step('runtime', 'go', {});
    saveState(opts.stateDir, {
      schemaVersion: 1, id: opts.id, pid, pidStartTime: pidStartTime(pid) ?? '', bundle: opts.bundleDir,
      cgroupsPath, createdCgroups, created: new Date().toISOString(),
    });
    undo.push('remove runtime state', () => fs.rmSync(opts.stateDir, { recursive: true, force: true }));
    opts.onStarted?.(pid);
    const exit = await init.waitExit();
    const result: RunBundleResult = { ...exit, oomKilled: cgroups.oomKilled() ?? false, memoryLimit: cgroups.memoryLimit() };
    undo.commit();
    fs.rmSync(opts.stateDir, { recursive: true, force: true });
    try {
      await cgroups.destroy(createdCgroups);
      if (opts.pruneCgroupParent) await cgroups.pruneParent();
    } catch (err) {
      log.warn('runtime', 'container exited but its cgroup stays', { error: (err as Error).message });
    }
    return result;
  } catch (err) {
    await undo.unwind(err);
    throw err;
  } finally {
    for (const [sig, h] of signalHandlers) process.off(sig, h);
  }
}
