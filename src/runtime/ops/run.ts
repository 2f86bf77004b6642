// OCI run in the foreground (runc run without -d): we are the parent of nsexec, whose stage-0
// relays the terminal and waits; then everything is deleted. The same hooks as create + start run.
// The engine's containers run under a monitor instead (start-monitored.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { UndoStack } from '../../store/undo';
import { newContainerDir } from '../container';
import { runHooks } from '../hooks';
import { spawnInit, type InitResult, type StdioSlot } from '../nsexec';
import type { Spec } from '../spec';
import { prepareLaunch, recordState, writePidFile } from './launch';
import { deleteContainer } from './delete';
import { forwardSignals } from './signals';

export interface RunBundleOptions {
  id: string;
  /** The runtime root: this container's state goes to <root>/<id> while it runs. */
  root: string;
  bundleDir: string;
  log: Logger;
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  /** -i with -t: copy our stdin into the pty. */
  stdinRelay: boolean;
  /** Signals this process receives go to the container (docker's sig-proxy). */
  forwardSignals: boolean;
  pruneCgroupParent?: boolean;
  seccompCacheDir: string;
  pidFile?: string;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  /** Keep our fds 3 .. 3+N-1 open in the container (runc --preserve-fds). */
  preserveFds?: number;
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
  const container = newContainerDir(opts.root, opts.id);
  const undo = new UndoStack();
  undo.push('remove runtime state', () => fs.rmSync(container.dir, { recursive: true, force: true }));
  let stopForwarding = () => undefined as void;
  try {
    const launchOpts = { id: opts.id, bundleDir: opts.bundleDir, stateDir: container.dir, log, seccompCacheDir: opts.seccompCacheDir, pruneCgroupParent: opts.pruneCgroupParent };
    const keepFds = Array.from({ length: opts.preserveFds ?? 0 }, (_, i) => 3 + i);
    const launch = prepareLaunch(launchOpts, spec, { detach: false, stdinRelay: opts.stdinRelay, noPivot: opts.noPivot, noNewKeyring: opts.noNewKeyring, keepFds }, undo);
    const init = spawnInit(launch.plan, { stdio: opts.stdio, log, extraFds: keepFds });
    log.step('runtime', 'spawn', { path: 'mydocker-nsexec', pid: init.stage0Pid });
    let pid: number;
    try {
      pid = await init.waitPid();
    } catch (err) {
      init.abort();
      await init.waitExit().catch(() => undefined);
      throw err;
    }
    undo.push('stop the container', () => init.abort());
    stopForwarding = forwardSignals(pid, opts.forwardSignals, init.stage0Pid);
    recordState(launchOpts, launch, pid, undefined, {
      rootfs: path.resolve(opts.bundleDir, spec.root?.path ?? 'rootfs'), annotations: spec.annotations, poststop: spec.hooks?.poststop,
    });
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    const hookState = container.ociState(log);
    await runHooks('prestart', spec.hooks?.prestart, hookState, log);
    await runHooks('createRuntime', spec.hooks?.createRuntime, hookState, log);
    const inContainer = (spec.hooks?.createContainer?.length ?? 0) + (spec.hooks?.startContainer?.length ?? 0) > 0;
    init.go(inContainer ? JSON.stringify(hookState) : undefined);
    log.step('runtime', 'go', {});
    await init.waitReady().catch(() => undefined); // a failed set-up is reported with the exit
    await runHooks('poststart', spec.hooks?.poststart, { ...hookState, status: 'running' }, log).catch((err: Error) =>
      log.warn('runtime', 'a poststart hook failed', { error: err.message }));
    const exit = await init.waitExit();
    const result: RunBundleResult = { ...exit, oomKilled: launch.cgroups.oomKilled() ?? false, memoryLimit: launch.cgroups.memoryLimit() };
    undo.commit();
    await deleteContainer(container, log, { force: true });
    return result;
  } catch (err) {
    await undo.unwind(err);
    throw err;
  } finally {
    stopForwarding();
  }
}
