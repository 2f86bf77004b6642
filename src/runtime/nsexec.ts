// The TypeScript side of the C core's protocol (sequence diagram: native/src/nsexec.c).
// We send the plan, learn the init's pid, do the host-side set-up (cgroups), say "go", and
// then read log, error, ready and exit messages until stage-0 and the init are done with the socket.
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { NativeError } from '../errors/errors';
import type { Logger } from '../log/log';
import { nsexecPath } from '../sys/native';

export type ExitStatus = { code: number; signal?: undefined } | { code?: undefined; signal: number };

export interface InitResult {
  status: ExitStatus;
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

export interface InitProcess {
  /** pid of stage-0 (our direct child). */
  readonly stage0Pid: number;
  /** Host pid of the container init, once stage-0 reports it. */
  waitPid(): Promise<number>;
  /** Lets the init continue past its cgroup barrier. */
  go(): void;
  /** Resolves when the init finished set-up (just before the exec fifo or execve). */
  waitReady(): Promise<void>;
  /** Foreground mode: the container's exit status, once stage-0 reported it. */
  waitExit(): Promise<InitResult>;
  /** Kills the init (after a host-side set-up failure) and drops the channel. */
  abort(): void;
  /** Stops listening (detach mode, after ready). */
  close(): void;
}

export type StdioSlot = 'inherit' | 'ignore' | 'pipe' | number;

export function spawnInit(plan: Buffer, opts: { stdio: [StdioSlot, StdioSlot, StdioSlot]; log: Logger }): InitProcess {
  // detached: stage-0 gets its own session, so terminal signals reach only the CLI, which forwards them.
  const child = spawn(nsexecPath(), [], { stdio: [...opts.stdio, 'pipe'], detached: true });
  const sock = child.stdio[3] as Socket;
  sock.on('error', () => undefined); // EPIPE if stage-0 dies early: its exit tells the story
  sock.write(plan);

  let pid: number | undefined;
  let ready = false;
  let exitMsg: ExitStatus | undefined;
  let firstError: NativeError | undefined;
  let sockClosed = false;
  let stage0Code: number | null | undefined;
  const waiters: { done: () => boolean; resolve: () => void; reject: (e: unknown) => void }[] = [];

  const over = () => sockClosed && stage0Code !== undefined;
  const failure = () =>
    firstError ?? new NativeError('init', 0, `the container init failed (stage-0 exit ${stage0Code ?? 'unknown'})`);
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
        opts.log.step('runtime', 'exit', { code: m.code, signal: m.signal });
        break;
      case 'error':
        firstError ??= new NativeError(m.stage ?? 'init', m.errno ?? 0, m.message ?? 'container init failed');
        break;
      case 'log': {
        const { type: _type, event, ...fields } = m;
        opts.log.step('nsexec', String(event), fields);
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
  child.on('exit', (code, signal) => {
    stage0Code = code ?? (signal ? 128 : 1);
    settle();
  });

  return {
    stage0Pid: child.pid ?? -1,
    async waitPid() {
      await waitFor(() => pid !== undefined);
      return pid!;
    },
    go() {
      sock.write('G');
    },
    waitReady: () => waitFor(() => ready),
    async waitExit() {
      await waitFor(() => over() && exitMsg !== undefined);
      return { status: exitMsg!, error: firstError };
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
      child.unref();
    },
  };
}
