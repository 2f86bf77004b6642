// Runs a process inside a running container (docker exec, runc exec): nsexec joins the init's
// namespaces, we put the process in the container's cgroup, and it execs.
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import type { Logger } from '../../log/log';
import { spawnInit, type InitResult, type InitStreams, type StdioSlot } from '../nsexec';
import { encodePlan } from '../plan';
import type { Process } from '../spec';
import { execPlan } from '../specconv';
import { compileSeccomp } from '../seccomp';
import { withHome } from '../home';
import { sessionKeyringName, writePidFile } from './launch';
import { readSpec } from './run';
import type { RuntimeState } from '../state';
import { forwardSignals } from './signals';

export interface ExecProcessOptions {
  state: RuntimeState;
  process: Process;
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  stdinRelay: boolean;
  /** With stdinRelay: the key sequence that detaches (the process runs on). */
  detachKeys?: string;
  /** Return once the process exec'd, without waiting for it. */
  detach: boolean;
  forwardSignals: boolean;
  log: Logger;
  onPid?: (pid: number) => void;
  /** Called at once with our ends of the 'pipe' slots, to connect them to the caller. */
  onStreams?: (streams: InitStreams) => void;
  seccompCacheDir: string;
  /** runc exec --console-socket (with process.terminal and detach): where the pty master goes. */
  consoleSocket?: string;
  pidFile?: string;
  /** Keep our fds 3 .. 3+N-1 open in the process (runc --preserve-fds). */
  preserveFds?: number;
  noNewKeyring?: boolean;
}

/** The process's exit status, or undefined when detached. */
export async function execProcess(opts: ExecProcessOptions): Promise<InitResult | undefined> {
  const cgroup = new CgroupManager(detectHostCgroups(), opts.state.cgroupsPath, opts.log).selfJoin();
  // The container's own seccomp filter applies to every process in it (runc exec does the same).
  const spec = readSpec(opts.state.bundle);
  const seccomp = spec.linux?.seccomp ? compileSeccomp(spec.linux.seccomp, opts.seccompCacheDir) : undefined;
  const userns = (spec.linux?.namespaces ?? []).some((n) => n.type === 'user');
  const keepFds = Array.from({ length: opts.preserveFds ?? 0 }, (_, i) => 3 + i);
  const plan = execPlan(withHome(opts.process, `/proc/${opts.state.pid}/root`), opts.state.pid, {
    detach: opts.detach, stdinRelay: opts.stdinRelay, ...(opts.detachKeys ? { detachKeys: opts.detachKeys } : {}), log: opts.log.stepsEnabled, cgroup, seccomp, consoleSocket: opts.consoleSocket, keepFds,
    sessionKeyring: opts.noNewKeyring ? undefined : sessionKeyringName(opts.state.id),
  }, userns, spec.linux?.seccomp);
  const init = spawnInit(encodePlan(plan), { stdio: opts.stdio, log: opts.log, extraFds: keepFds });
  opts.onStreams?.(init.streams);
  let stop = () => undefined as void;
  try {
    const pid = await init.waitPid();
    opts.onPid?.(pid);
    if (opts.pidFile) writePidFile(opts.pidFile, pid);
    stop = forwardSignals(pid, opts.forwardSignals, init.stage0Pid);
    init.go();
    if (opts.detach) {
      await init.waitExec();
      init.close();
      return undefined;
    }
    return await init.waitExit();
  } finally {
    stop();
  }
}
