// The terminal side of an attached container (run without -d, start -a, attach): our stdin to
// the container, its output to our stdout/stderr, raw mode and window size with -t, signals
// forwarded without -t (docker's sig-proxy), and the detach keys ctrl-p ctrl-q.
import type { AttachClient } from '../monitor/attach-client';
import type { AttachHandler } from '../engine/lifecycle/run';
import { forwardSignals } from '../runtime/ops/signals';
import { sys } from '../sys/native';
import type { CliIo } from './command';

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

export interface TerminalOptions {
  tty: boolean;
  /** Forward our stdin (-i). */
  stdin: boolean;
  io: CliIo;
  /** ctrl-p ctrl-q detaches (attach, and run -it). */
  detachKeys: boolean;
}

export function terminalAttach(opts: TerminalOptions): AttachHandler {
  return async (client: AttachClient, state) => {
    const { io } = opts;
    const stdin = process.stdin;
    const raw = opts.tty && opts.stdin && stdin.isTTY === true;
    // Raw mode before any output is shown: whoever reacts to the output (a user, a test) must
    // already be typing into the container, not into our terminal's line discipline.
    const savedTermios = raw ? sys().makeRaw(0) : undefined;
    client.onOutput((stream, data) => (stream === 'stdout' ? io.stdout : io.stderr).write(data));
    const stopSignals = forwardSignals(state.pid, !opts.tty);
    const resize = () => client.resize(process.stdout.rows ?? 0, process.stdout.columns ?? 0);
    if (opts.tty && process.stdout.isTTY) {
      resize();
      process.on('SIGWINCH', resize);
    }
    let detach: () => void = () => undefined;
    const detached = new Promise<boolean>((resolve) => (detach = () => resolve(true)));
    let sawCtrlP = false;
    const onData = (chunk: Buffer) => {
      if (opts.detachKeys && raw) {
        for (const byte of chunk) {
          if (sawCtrlP && byte === CTRL_Q) return detach();
          sawCtrlP = byte === CTRL_P;
        }
      }
      client.write(chunk);
    };
    const onEnd = () => client.closeStdin();
    if (opts.stdin) {
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    }
    try {
      const result = await Promise.race([client.exit.then(() => false), detached]);
      if (result) client.detach();
      return { detached: result };
    } finally {
      stopSignals();
      process.off('SIGWINCH', resize);
      if (opts.stdin) {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        stdin.unref?.();
      }
      if (savedTermios) sys().restoreTermios(0, savedTermios);
    }
  };
}
