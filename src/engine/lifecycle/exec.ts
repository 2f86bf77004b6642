// docker exec: a new process in a running container, with the container's environment, user
// and capabilities unless told otherwise.
import { FailedPreconditionError } from '../../errors/errors';
import type { InitResult, InitStreams, StdioSlot } from '../../runtime/nsexec';
import { execProcess } from '../../runtime/ops/exec';
import type { Process } from '../../runtime/spec';
import { mergeEnv, resolveEnvEntry } from '../container-config';
import { heldCapabilities } from '../security/container-security';
import { resolveCapabilities } from '../security/capabilities';
import { parseSecurityOpts } from '../security/security-opts';
import { resolveUserInRootfs } from '../user';
import { event, store, viewContainer, type EngineDeps } from './context';
import { execWithOciBinary, ociBinaryFor } from '../oci-binary';

export interface ExecOptions {
  ref: string;
  cmd: string[];
  interactive: boolean;
  tty: boolean;
  detach: boolean;
  env: string[];
  workdir?: string;
  user?: string;
  privileged: boolean;
  consoleSize?: { rows: number; cols: number };
  /** -it: the key sequence that detaches (docker's ctrl-p,ctrl-q by default; bytes as latin1). */
  detachKeys?: string;
  /** The process's host pid, once it exists (a health check's timeout kills it). */
  onPid?: (pid: number) => void;
}

export async function execContainer(
  deps: EngineDeps, opts: ExecOptions, stdio: [StdioSlot, StdioSlot, StdioSlot], onStreams?: (streams: InitStreams) => void,
): Promise<InitResult | undefined> {
  const record = store(deps).resolve(opts.ref);
  const view = viewContainer(deps, record);
  if (view.derived.status === 'paused') throw new FailedPreconditionError(`container ${record.name} is paused, unpause the container before exec`);
  if (view.derived.status !== 'running' || !view.state) throw new FailedPreconditionError(`container ${record.name} is not running`);
  const state = view.state;
  const user = resolveUserInRootfs(`/proc/${state.pid}/root`, opts.user ?? record.config.User);
  const extra = opts.env.map((e) => resolveEnvEntry(e, {}, '-e')).filter((e): e is string => e !== undefined);
  const env = mergeEnv(record.config.Env, opts.tty ? ['TERM=xterm'] : [], extra);
  // The container's own capabilities and no_new_privs; --privileged: all that mydocker holds.
  const hc = record.hostConfig;
  const held = heldCapabilities();
  const caps = resolveCapabilities(hc.CapAdd ?? [], hc.CapDrop ?? [], opts.privileged || hc.Privileged, held);
  const isRoot = user.uid === 0;
  const proc: Process = {
    terminal: opts.tty,
    ...(opts.tty && opts.consoleSize ? { consoleSize: { height: opts.consoleSize.rows, width: opts.consoleSize.cols } } : {}),
    user: { uid: user.uid, gid: user.gid, ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}) },
    args: opts.cmd,
    env: env.some((e) => e.startsWith('HOME=')) ? env : [...env, `HOME=${user.home}`],
    cwd: opts.workdir ?? (record.config.WorkingDir || '/'),
    capabilities: { bounding: caps, effective: isRoot ? caps : [], permitted: isRoot ? caps : [] },
    noNewPrivileges: parseSecurityOpts(hc.SecurityOpt ?? []).noNewPrivileges,
  };
  event(deps, record, 'exec_create', { execID: '', command: opts.cmd.join(' ') });
  const oci = ociBinaryFor(deps.layout, hc.Runtime);
  const result = oci
    ? await execWithOciBinary(oci, {
      id: record.id, process: proc, stdio, detach: opts.detach, processFile: `${view.paths.dir}/exec-${process.pid}-${Date.now()}.json`,
      log: deps.log, onStreams, onPid: () => event(deps, record, 'exec_start', { command: opts.cmd.join(' ') }),
    })
    : await execProcess({
    state, process: proc, stdio, stdinRelay: opts.interactive && opts.tty, detach: opts.detach,
    ...(opts.detachKeys && opts.interactive && opts.tty ? { detachKeys: opts.detachKeys } : {}),
    forwardSignals: !opts.tty, log: deps.log, onStreams, seccompCacheDir: deps.layout.seccompCacheDir,
    onPid: (pid) => {
      event(deps, record, 'exec_start', { command: opts.cmd.join(' ') });
      opts.onPid?.(pid);
    },
  });
  if (result) {
    const code = result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
    event(deps, record, 'exec_die', { exitCode: String(code) });
  }
  return result;
}
