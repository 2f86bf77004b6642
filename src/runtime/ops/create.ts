// OCI create: the container's init exists, in its namespaces and cgroup, set up and blocked on the
// exec fifo; it runs the user's process only when `start` opens the fifo. The init's parent is
// whoever spawned nsexec's stage-0 (it exits at once), or the monitor the engine puts in between.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../log/log';
import { UndoStack } from '../../store/undo';
import { sys } from '../../sys/native';
import { newContainerDir, type RuntimeContainer } from '../container';
import { runHooks } from '../hooks';
import { spawnInit, type InitProcess, type StdioSlot } from '../nsexec';
import { OCI_VERSION, type Spec } from '../spec';
import { writeFastFacts } from '../fast-facts';
import { removeState, type RuntimeState } from '../state';
import { prepareLaunch, recordState, writePidFile } from './launch';
import { readSpec } from './run';

const S_IFIFO = 0o010000;

export interface CreateOptions {
  id: string;
  /** The runtime root: this container's state goes to <root>/<id>. */
  root: string;
  bundleDir: string;
  log: Logger;
  seccompCacheDir: string;
  /** The init's stdio (runc passes its own on: conmon and the shim give pipes). */
  stdio?: [StdioSlot, StdioSlot, StdioSlot];
  consoleSocket?: string;
  pidFile?: string;
  noPivot?: boolean;
  noNewKeyring?: boolean;
  /** Keep fds 3 .. 3+N-1 open in the container (runc --preserve-fds). */
  preserveFds?: number;
  pruneCgroupParent?: boolean;
  /** Starts stage-0 (default: nsexec as our own child); the engine puts its monitor in between. */
  spawn?: (plan: Buffer) => { init: InitProcess; monitor?: { ready: Promise<number> } };
  /** After the init exists and sits in its cgroup, before it may continue (network set-up). */
  beforeGo?: (state: RuntimeState) => Promise<void>;
  /** Keep the init's channel open (the caller waits for the exec); closed otherwise. */
  keepChannel?: boolean;
}

export interface Created {
  container: RuntimeContainer;
  state: RuntimeState;
  init: InitProcess;
}

export async function createContainer(opts: CreateOptions, spec: Spec = readSpec(opts.bundleDir)): Promise<Created> {
  const { log } = opts;
  const container = newContainerDir(opts.root, opts.id);
  return UndoStack.run(async (undo) => {
    undo.push('remove runtime state', () => removeState(container.dir));
    sys().mknod(container.fifo, S_IFIFO | 0o622, 0, 0);
    fs.chmodSync(container.fifo, 0o622); // past the umask: an init running as another user writes it
    const keep = opts.preserveFds ?? 0;
    const keepFds = Array.from({ length: keep }, (_, i) => 3 + i);
    const launch = prepareLaunch(
      { id: opts.id, bundleDir: opts.bundleDir, stateDir: container.dir, log, seccompCacheDir: opts.seccompCacheDir, pruneCgroupParent: opts.pruneCgroupParent },
      spec,
      {
        detach: true, stdinRelay: false, execFifo: container.fifo, consoleSocket: opts.consoleSocket, keepFds, noPivot: opts.noPivot,
        noNewKeyring: opts.noNewKeyring,
      },
      undo,
    );
    const { init, monitor } = opts.spawn
      ? opts.spawn(launch.plan)
      : { init: spawnInit(launch.plan, { stdio: opts.stdio ?? ['inherit', 'inherit', 'inherit'], log, extraFds: keepFds }), monitor: undefined };
    undo.push('stop the container', () => init.abort());
    const monitorPid = await monitor?.ready;
    const pid = await init.waitPid();
    const state = recordState(
      { id: opts.id, bundleDir: opts.bundleDir, stateDir: container.dir, log, seccompCacheDir: opts.seccompCacheDir, pruneCgroupParent: opts.pruneCgroupParent },
      launch, pid, monitorPid === undefined ? undefined : { pid: monitorPid },
      { rootfs: path.resolve(opts.bundleDir, spec.root?.path ?? 'rootfs'), annotations: spec.annotations, poststop: spec.hooks?.poststop },
    );
    writeFastFacts(container.dir, state, launch.cgroups, spec.hooks, {
      ociVersion: OCI_VERSION, id: opts.id, bundle: opts.bundleDir, rootfs: state.rootfs ?? '', created: state.created, owner: '',
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    });
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    const hookState = container.ociState(log);
    await runHooks('prestart', spec.hooks?.prestart, hookState, log);
    await runHooks('createRuntime', spec.hooks?.createRuntime, hookState, log);
    try {
      await opts.beforeGo?.(state);
    } catch (err) {
      throw (await init.initFailure(200)) ?? err; // a host step fails too when the init it works on died: say why it died
    }
    const inContainer = (spec.hooks?.createContainer?.length ?? 0) + (spec.hooks?.startContainer?.length ?? 0) > 0;
    init.go(inContainer ? JSON.stringify(hookState) : undefined);
    log.step('runtime', 'go', {});
    await init.waitReady();
    if (!opts.keepChannel) init.close();
    return { container, state, init };
  });
}
