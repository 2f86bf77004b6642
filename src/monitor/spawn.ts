// Starting a container's monitor (native/src/monitor.c). Every path and option is decided here;
// the monitor hands fd 3 through to nsexec, so the runtime protocol is the same as without it.
// It is started by posix_spawn in sys.node and daemonizes itself (-D), not by child_process, whose
// fork of the whole Node process was ~10 ms of every start on this VM (docs/performance.md).
import { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { InternalError } from '../errors/errors';
import { nativeDir, nsexecPath, sys } from '../sys/native';

export interface MonitorOptions {
  exitFile: string;
  attachSocket: string;
  /** Where nsexec sends the pty master (tty containers only). */
  consoleSocket?: string;
  logFile?: string;
  logMaxSize?: number;
  logMaxFiles?: number;
  tty: boolean;
  openStdin: boolean;
  /** Counter files read at exit to tell an OOM kill (memory.oom_control, memory.events). */
  oomFiles: string[];
  /** Run after the container exits, unless an attached client takes the cleanup over. */
  exitCommand?: string[];
  /** What the monitor runs as its child instead of nsexec (an external runtime's create: src/engine/oci-binary.ts). */
  command?: string[];
  /** The container's health check: a command run first after firstDelayMs, then after the ms it prints (intervalMs if nothing). */
  health?: { command: string[]; firstDelayMs: number; intervalMs: number };
}

export interface SpawnedMonitor {
  /** The runtime protocol socket (nsexec's fd 3, passed through the monitor). */
  runtime: Socket;
  /** Resolves to the monitor's pid once its attach socket listens. */
  ready: Promise<number>;
}

export function monitorPath(): string {
  return path.join(nativeDir(), 'mydocker-monitor');
}

export function monitorArgs(o: MonitorOptions): string[] {
  const args = ['-D', '-x', o.exitFile, '-a', o.attachSocket];
  if (o.logFile) args.push('-l', o.logFile);
  if (o.logMaxSize) args.push('-S', String(o.logMaxSize));
  if (o.logMaxFiles) args.push('-N', String(o.logMaxFiles));
  if (o.tty) args.push('-t', '-c', o.consoleSocket ?? `${o.attachSocket}.console`);
  if (o.openStdin) args.push('-i');
  for (const f of o.oomFiles) args.push('-o', f);
  if (o.exitCommand?.length) {
    args.push('-e', o.exitCommand[0]);
    for (const a of o.exitCommand.slice(1)) args.push('-E', a);
  }
  if (o.health) {
    args.push('-h', String(Math.round(o.health.firstDelayMs)), '-H', String(Math.round(o.health.intervalMs)), '-k', o.health.command[0]);
    for (const a of o.health.command.slice(1)) args.push('-K', a);
  }
  args.push('--', ...(o.command ?? [nsexecPath()]));
  return args;
}

export function spawnMonitor(o: MonitorOptions): SpawnedMonitor {
  let first: number, runtimeFd: number, statusFd: number;
  try {
    [first, runtimeFd, statusFd] = sys().spawnDetached(monitorPath(), [monitorPath(), ...monitorArgs(o)]);
  } catch (err) {
    throw new InternalError(`cannot start the container monitor: ${(err as Error).message}`, { cause: err });
  }
  const runtime = new Socket({ fd: runtimeFd, readable: true, writable: true });
  const status = new Socket({ fd: statusFd, readable: true, writable: false });
  // fd 4 carries the monitor's pid (4 bytes, host order; the first process has exited by then, or is
  // about to) and then "M" once its attach socket listens
  const ready = new Promise<number>((resolve, reject) => {
    let got = Buffer.alloc(0);
    let reaped = false;
    const reapFirst = () => {
      if (!reaped) sys().reap(first, false);
      reaped = true;
    };
    status.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4) reapFirst();
      if (got.length >= 5) {
        status.destroy();
        resolve(os.endianness() === 'LE' ? got.readInt32LE(0) : got.readInt32BE(0));
      }
    });
    status.once('close', () => {
      reapFirst();
      reject(new InternalError('the container monitor exited before it was ready'));
    });
  });
  status.unref();
  return { runtime, ready };
}
