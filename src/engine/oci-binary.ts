// A container run by an installed OCI runtime (runc, crun: --runtime) instead of mydocker's core.
// The engine writes the same bundle (config.json + rootfs in the container's directory) and the
// runtime keeps its own state under <runroot>/<name> (its --root). The monitor stays the parent:
//
//   engine ──spawn──▶ monitor ──fork/exec──▶ runc create --console-socket S --pid-file P ID
//                        ▲                        │ forks the init, blocked on runc's exec fifo; exits
//                        └── init re-parented ◀───┘ (the monitor is the child subreaper)
//   engine: pid file seen → state.json under our runtime dir (pid, cgroup path) → beforeGo
//           (networks, attach) → `runc start ID`
//
// From then on the container is watched as any other (the exit file, the attach socket, the log);
// signals go through `runc kill`, teardown through `runc delete --force`, exec through `runc exec`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CgroupManager } from '../cgroups/manager';
import { detectHostCgroups } from '../cgroups/hierarchy';
import { FailedPreconditionError, InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import { spawnMonitor, type MonitorOptions } from '../monitor/spawn';
import type { ExitInfo } from '../monitor/attach-protocol';
import type { InitResult, InitStreams, StdioSlot } from '../runtime/nsexec';
import type { Process } from '../runtime/spec';
import { pidStartTime, processAlive, removeState, saveState, type RuntimeState } from '../runtime/state';
import { readJsonIfExists } from '../store/atomic';
import type { Layout } from '../store/layout';
import { bootId } from '../sys/boot-id';
import { isExternalRuntime, runtimeBinary, type ExternalRuntime } from './runtimes';

export interface OciBinary {
  name: ExternalRuntime;
  path: string;
  /** The runtime's own state root (its --root). */
  root: string;
}

/** The external runtime a container runs under, or undefined for mydocker's own core. */
export function ociBinaryFor(layout: Layout, runtime: string | undefined): OciBinary | undefined {
  if (!isExternalRuntime(runtime)) return undefined;
  return { name: runtime, path: runtimeBinary(runtime), root: path.join(layout.runroot, runtime) };
}

function baseArgs(bin: OciBinary, logFile?: string): string[] {
  return ['--root', bin.root, ...(logFile ? [`--log=${logFile}`, '--log-format=json'] : [])];
}

/** The last error the runtime logged (runc and crun both write JSON lines with --log-format=json). */
function lastLoggedError(logFile: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) return entry.msg.split('\n')[0];
    } catch {
      // not JSON: crun may print plain text
      if (line.trim()) return line.trim();
    }
  }
  return undefined;
}

/** The last line a runtime printed, without logrus' time="…" level=… msg="…" wrapping. */
function lastLine(text: string): string | undefined {
  const line = text.trim().split('\n').filter(Boolean).pop();
  if (line === undefined) return undefined;
  const m = /^time="[^"]*" level=\w+ msg="(.*)"$/.exec(line);
  return m ? m[1].replace(/\\"/g, '"') : line;
}

/** Runs one runtime verb to its end; a failure is one line naming the runtime. */
function runVerb(bin: OciBinary, args: string[], log: Logger): void {
  log.step('engine', `${bin.name}-${args[0]}`, { args: args.join(' ') });
  const r = spawnSync(bin.path, [...baseArgs(bin), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new InternalError(`cannot run ${bin.path}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new FailedPreconditionError(`${bin.name} ${args[0]} failed: ${lastLine(`${r.stderr}`) ?? `exit status ${r.status}`}`);
  }
}

export interface OciBinaryStart {
  id: string;
  bundleDir: string;
  /** Our runtime state directory for the container (<runroot>/runtime/<id>): what status is derived from. */
  stateDir: string;
  cgroupsPath: string;
  rootfs: string;
  log: Logger;
  monitor: Omit<MonitorOptions, 'oomFiles' | 'consoleSocket' | 'command'>;
  terminal: boolean;
  beforeGo?: (state: RuntimeState) => Promise<void>;
}

/** create under the monitor, wait for the init, record it, beforeGo, start. */
export async function startWithOciBinary(bin: OciBinary, o: OciBinaryStart): Promise<RuntimeState> {
  const pidFile = path.join(o.bundleDir, `${bin.name}.pid`);
  const logFile = path.join(o.bundleDir, `${bin.name}.log`);
  fs.rmSync(pidFile, { force: true });
  fs.rmSync(logFile, { force: true });
  fs.mkdirSync(bin.root, { recursive: true, mode: 0o700 });
  // an earlier run that was never deleted (a crash) would make create fail with "already exists"
  spawnSync(bin.path, [...baseArgs(bin), 'delete', '--force', o.id], { stdio: 'ignore' });
  const consoleSocket = o.terminal ? `${o.monitor.attachSocket}.console` : undefined;
  const cgroups = new CgroupManager(detectHostCgroups(), o.cgroupsPath, o.log);
  const oomFiles = cgroups.placements
    .filter((p) => p.hierarchy.controllers.includes('memory'))
    .map((p) => `${p.dir}/${p.hierarchy.version === 1 ? 'memory.oom_control' : 'memory.events'}`);
  const command = [
    bin.path, ...baseArgs(bin, logFile), 'create', '--bundle', o.bundleDir, '--pid-file', pidFile,
    ...(consoleSocket ? ['--console-socket', consoleSocket] : []), o.id,
  ];
  // the exit file of an earlier run (restart) stays: only a new one means this create failed
  const earlierExit = readIfExists(o.monitor.exitFile);
  const monitor = spawnMonitor({ ...o.monitor, consoleSocket, oomFiles, command });
  monitor.runtime.destroy(); // the runtime protocol is nsexec's; runc speaks none on it
  const monitorPid = await monitor.ready;
  o.log.step('engine', `${bin.name}-create`, { monitor: monitorPid, bundle: o.bundleDir });
  const pid = await waitForPidFile(bin, pidFile, o.monitor.exitFile, earlierExit, monitorPid, logFile);
  const state: RuntimeState = {
    schemaVersion: 1, id: o.id, pid, pidStartTime: pidStartTime(pid) ?? '', bundle: o.bundleDir, cgroupsPath: o.cgroupsPath,
    createdCgroups: [], created: new Date().toISOString(), bootId: bootId(), rootfs: o.rootfs,
    monitorPid, monitorStartTime: pidStartTime(monitorPid) ?? '', annotations: { 'io.mydocker.runtime': bin.name },
  };
  try {
    saveState(o.stateDir, state);
    await o.beforeGo?.(state);
    runVerb(bin, ['start', o.id], o.log);
  } catch (err) {
    spawnSync(bin.path, [...baseArgs(bin), 'delete', '--force', o.id], { stdio: 'ignore' });
    removeState(o.stateDir);
    throw err;
  }
  return state;
}

/** Polls for what create leaves: the pid file (success) or the monitor's exit file (create failed). */
function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function waitForPidFile(
  bin: OciBinary, pidFile: string, exitFile: string, earlierExit: string | undefined, monitorPid: number, logFile: string,
): Promise<number> {
  const monitorStart = pidStartTime(monitorPid);
  for (let waited = 0; waited < 60_000; waited += 10) {
    const text = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) return Number(text);
    const exitText = readIfExists(exitFile);
    const exit = exitText !== undefined && exitText !== earlierExit ? readJsonIfExists<ExitInfo>(exitFile) : undefined;
    if (exit || !processAlive(monitorPid, monitorStart)) {
      const why = lastLoggedError(logFile) ?? (exit ? `exit status ${exit.exitCode}` : 'its monitor exited');
      throw new FailedPreconditionError(`${bin.name} create failed: ${why}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new InternalError(`${bin.name} create did not finish within 60 s (no ${pidFile})`);
}

/** `runc kill ID SIG`; a container that stopped meanwhile is not an error. */
export function killWithOciBinary(bin: OciBinary, id: string, sig: NodeJS.Signals, log: Logger): void {
  try {
    runVerb(bin, ['kill', id, sig.replace(/^SIG/, '')], log);
  } catch (err) {
    if (!/not running|does not exist|container not found|no such process/i.test((err as Error).message)) throw err;
  }
}

/** `runc delete --force ID`: its processes, cgroup and state go; nothing there is not an error. */
export function deleteWithOciBinary(bin: OciBinary, id: string, log: Logger): void {
  try {
    runVerb(bin, ['delete', '--force', id], log);
  } catch (err) {
    if (!/does not exist|not found|no such/i.test((err as Error).message)) log.warn('engine', `${bin.name} delete failed`, { error: (err as Error).message });
  }
}

export interface OciBinaryExec {
  id: string;
  process: Process;
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  detach: boolean;
  /** A file for the process JSON (runc exec --process). */
  processFile: string;
  log: Logger;
  onStreams?: (streams: InitStreams) => void;
  onPid?: () => void;
}

/** `runc exec --process FILE ID`: our stdio passed through (with -t runc makes the pty and relays it). */
export async function execWithOciBinary(bin: OciBinary, o: OciBinaryExec): Promise<InitResult | undefined> {
  fs.writeFileSync(o.processFile, JSON.stringify(o.process), { mode: 0o600 });
  const args = [...baseArgs(bin), 'exec', ...(o.detach ? ['--detach'] : []), '--process', o.processFile, o.id];
  o.log.step('engine', `${bin.name}-exec`, { args: args.join(' ') });
  // detached, runc hands its stdio to the process: a pipe of ours would take it down when we exit
  // (seen with runc 1.1), so its errors go to a file
  const errFile = `${o.processFile}.err`;
  const errFd = o.detach ? fs.openSync(errFile, 'w+', 0o600) : undefined;
  const child = spawn(bin.path, args, { stdio: errFd !== undefined ? ['ignore', 'ignore', errFd] : o.stdio });
  if (errFd !== undefined) fs.closeSync(errFd);
  o.onStreams?.({
    ...(child.stdin ? { stdin: child.stdin } : {}), ...(child.stdout ? { stdout: child.stdout } : {}),
    ...(child.stderr && !o.detach ? { stderr: child.stderr } : {}),
  });
  o.onPid?.();
  const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (err) => reject(new InternalError(`cannot run ${bin.path}: ${err.message}`)));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  fs.rmSync(o.processFile, { force: true });
  if (o.detach) {
    const errText = fs.readFileSync(errFile, 'utf8');
    fs.rmSync(errFile, { force: true });
    if (status.code !== 0) throw new FailedPreconditionError(`${bin.name} exec failed: ${lastLine(errText) ?? `exit status ${status.code}`}`);
    return undefined;
  }
  if (status.signal) return { status: { signal: os.constants.signals[status.signal] } };
  return { status: { code: status.code ?? 255 } };
}
