// Runs an OCI bundle in the foreground (runc run): we are the parent of nsexec, which relays
// the terminal and waits. Used by exec and the runc-compatible front; the engine's containers
// run under a monitor instead (start-monitored.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { UndoStack } from '../../store/undo';
import { spawnInit, type InitResult, type StdioSlot } from '../nsexec';
import type { Spec } from '../spec';
import { removeState } from '../state';
import { prepareLaunch, recordState } from './launch';
import { forwardSignals } from './signals';

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
  pruneCgroupParent?: boolean;
  seccompCacheDir: string;
}

export interface RunBundleResult extends InitResult {
  /** The kernel's OOM killer killed a process of the container (read before its cgroup goes). */
  oomKilled: boolean;
  memoryLimit?: number;
}

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

export async function runBundle(opts: RunBundleOptions, spec: Spec = readSpec(opts.bundleDir)): Promise<RunBundleResult> {
  const { log } = opts;
  const undo = new UndoStack();
  let stopForwarding = () => undefined as void;
  try {
    const launch = prepareLaunch(opts, spec, { detach: false, stdinRelay: opts.stdinRelay }, undo);
    const init = spawnInit(launch.plan, { stdio: opts.stdio, log });
    log.step('runtime', 'spawn', { path: 'mydocker-nsexec', pid: init.stage0Pid });
    let pid: number;
    try {
      pid = await init.waitPid();
    } catch (err) {
      init.abort();
      await init.waitExit().catch(() => undefined);
      throw err;
    }
    stopForwarding = forwardSignals(pid, opts.forwardSignals, init.stage0Pid);
    recordState(opts, launch, pid);
    undo.push('remove runtime state', () => removeState(opts.stateDir));
    init.go();
    log.step('runtime', 'go', {});
    const exit = await init.waitExit();
    const result: RunBundleResult = { ...exit, oomKilled: launch.cgroups.oomKilled() ?? false, memoryLimit: launch.cgroups.memoryLimit() };
    undo.commit();
    removeState(opts.stateDir);
    try {
      await launch.removeCgroups();
    } catch (err) {
      log.warn('runtime', 'container exited but its cgroup stays', { error: (err as Error).message });
    }
    return result;
  } catch (err) {
    await undo.unwind(err);
    throw err;
  } finally {
    stopForwarding();
  }
}
