// The TypeScript side of the C core's protocol (sequence diagram: native/src/nsexec.c).
// We send the plan, learn the init's pid, do the host-side set-up (cgroups), say "go", and
// then read log, error, ready and exit messages until stage-0 and the init are done with the socket.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { NativeError } from '../errors/errors';
import type { Logger } from '../log/log';
import { nsexecPath } from '../sys/native';

export type ExitStatus = { code: number; signal?: undefined } | { code?: undefined; signal: number };

export interface InitResult {
  status: ExitStatus;
  /** exec -it: the user typed the detach keys; the process runs on. */
  detached?: boolean;
  /** What the init reported before it exited, e.g. an execve failure (exit 126/127). */
  error?: NativeError;
}

interface Message {
  type: 'pid' | 'ready' | 'log' | 'error' | 'exit';
  pid?: number;
  code?: number;
  signal?: number;
  stage?: string;
  errno?: number;
  message?: string;
  event?: string;
  [field: string]: unknown;
}

/** Our ends of the pipes that a 'pipe' stdio slot gave the container (exec, foreground run). */
export interface InitStreams {
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
}

export interface InitProcess {
  /** pid of stage-0 (our direct child). */
  readonly stage0Pid: number;
  /** The pipes of 'pipe' stdio slots (none over a monitor's channel). */
  readonly streams: InitStreams;
  /** Host pid of the container init, once stage-0 reports it. */
  waitPid(): Promise<number>;
  /**
   * Lets the init continue past its cgroup barrier. `hookState`: the container's state JSON for the
   * hooks the init runs itself (sent only when the plan has such hooks).
   */
  go(hookState?: string): void;
  /** Resolves when the init finished set-up (just before the exec fifo or execve). */
  waitReady(): Promise<void>;
  /** Foreground mode: the container's exit status, once stage-0 reported it. */
  waitExit(): Promise<InitResult>;
  /**
   * Detach mode: resolves once nobody holds the channel any more, which happens exactly when the
   * init's execve succeeded (the fd is close-on-exec); rejects with the init's error otherwise.
   */
  waitExec(): Promise<void>;
  /**
   * After a host-side step failed: the error the init reported if it died on its own (within ms),
   * which is the root cause (a host step fails too when the init it works on is gone).
   */
  initFailure(ms: number): Promise<NativeError | undefined>;
  /** Kills the init (after a host-side set-up failure) and drops the channel. */
  abort(): void;
  /** Stops listening (detach mode, after ready). */
  close(): void;
}

export type StdioSlot = 'inherit' | 'ignore' | 'pipe' | number;

/**
 * Spawns nsexec directly: we are its parent (foreground run, exec, OCI create). `extraFds`: our fds
 * 3.. that the container keeps (runc --preserve-fds); the sync socket then comes after them.
 */
export function spawnInit(plan: Buffer, opts: { stdio: [StdioSlot, StdioSlot, StdioSlot]; log: Logger; extraFds?: number[] }): InitProcess {
  const extra = opts.extraFds ?? [];
  const syncFd = 3 + extra.length;
  // detached: stage-0 gets its own session, so terminal signals reach only the CLI, which forwards them.
  const child = spawn(nsexecPath(), extra.length ? [String(syncFd)] : [], { stdio: [...opts.stdio, ...extra, 'pipe'], detached: true });
  const stage0Exit = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const streams: InitStreams = { stdin: child.stdin ?? undefined, stdout: child.stdout ?? undefined, stderr: child.stderr ?? undefined };
  return initChannel(child.stdio[syncFd] as Socket, plan, opts.log, child.pid ?? -1, stage0Exit, () => child.unref(), streams);
}

/**
 * Speaks the protocol over an existing channel: our own child's fd 3, or the one a monitor
 * passed through to nsexec (then stage-0 is not our child and only the socket tells us it is done).
 */
export function initChannel(
  sock: Socket, plan: Buffer, log: Logger, stage0Pid: number, stage0Exit: Promise<number> | undefined, onClose?: () => void,
  streams: InitStreams = {},
): InitProcess {
  sock.on('error', () => undefined); // EPIPE if stage-0 dies early: its exit tells the story
  sock.write(plan);

  let pid: number | undefined;
  let ready = false;
  let exitMsg: ExitStatus | undefined;
  let detached = false;
  let firstError: NativeError | undefined;
  let sockClosed = false;
  let stage0Code: number | undefined;
  const waiters: { done: () => boolean; resolve: () => void; reject: (e: unknown) => void }[] = [];

  const over = () => sockClosed && (stage0Exit === undefined || stage0Code !== undefined);
  const failure = () =>
    firstError ?? new NativeError('init', 0, `the container init failed${stage0Code !== undefined ? ` (stage-0 exit ${stage0Code})` : ''}`);
  const settle = () => {
    for (const w of [...waiters]) {
      if (w.done()) w.resolve();
      else if (over()) w.reject(failure());
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  };
  const waitFor = (done: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ done, resolve, reject });
      settle();
    });

  const handle = (m: Message) => {
    switch (m.type) {
      case 'pid':
        pid = m.pid;
        break;
      case 'ready':
        ready = true;
        break;
      case 'exit':
        exitMsg = m.signal !== undefined ? { signal: m.signal } : { code: m.code ?? 0 };
        detached = m.detached === true;
        log.step('runtime', 'exit', { code: m.code, signal: m.signal });
        break;
      case 'error': {
        // docker's codes when the command cannot run: 127 not found, 126 found but not executable
        const exitCode = m.stage === 'exec' ? (m.errno === 2 || m.errno === 20 ? 127 : 126) : undefined;
        firstError ??= new NativeError(m.stage ?? 'init', m.errno ?? 0, m.message ?? 'container init failed', { exitCode });
        break;
      }
      case 'log': {
        const { type: _type, event, ...fields } = m;
        log.step('nsexec', String(event), fields);
        break;
      }
    }
  };

  let buffered = '';
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) handle(JSON.parse(line) as Message);
    }
    settle();
  });
  sock.on('close', () => {
    sockClosed = true;
    settle();
  });
  stage0Exit?.then((code) => {
    stage0Code = code;
    settle();
  });

  return {
    stage0Pid,
    streams,
    async waitPid() {
      await waitFor(() => pid !== undefined);
      return pid!;
    },
    go(hookState?: string) {
      if (hookState === undefined) {
        sock.write('G');
        return;
      }
      const body = Buffer.from(hookState, 'utf8');
      const head = Buffer.alloc(5);
      head.write('G', 0, 'latin1');
      head.writeUInt32LE(body.length, 1);
      sock.write(Buffer.concat([head, body]));
    },
    waitReady: () => waitFor(() => ready),
    async waitExit() {
      await waitFor(() => over() && exitMsg !== undefined);
      return { status: exitMsg!, error: firstError, ...(detached ? { detached } : {}) };
    },
    async waitExec() {
      await waitFor(() => sockClosed && !firstError);
    },
    async initFailure(ms: number) {
      const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
      await Promise.race([timer, waitFor(() => sockClosed).catch(() => undefined)]);
      return sockClosed ? firstError : undefined;
    },
    abort() {
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      sock.destroy();
    },
    close() {
      sock.destroy();
      onClose?.();
    },
  };
}
