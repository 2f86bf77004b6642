// The terminal side of an attached container (run without -d, start -a, attach): our stdin to
// the container, its output to our stdout/stderr, raw mode and window size with -t, signals
// forwarded without -t (docker's sig-proxy), and the detach keys ctrl-p ctrl-q.
import type { AttachClient } from '../monitor/attach-client';
import type { AttachHandler } from '../engine/lifecycle/run';
import { forwardSignals } from '../runtime/ops/signals';
import { sys } from '../sys/native';
import type { CliIo } from './command';
import { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from './detach-keys';


export interface TerminalOptions {
  tty: boolean;
  /** Forward our stdin (-i). */
  stdin: boolean;
  io: CliIo;
  /** ctrl-p ctrl-q detaches (attach, and run -it). */
  detachKeys: boolean;
  /** --detach-keys: another sequence than ctrl-p,ctrl-q (src/cli/detach-keys.ts). */
  detachSequence?: Buffer;
  /** -a: only these of the container's output streams are shown (default both). */
  output?: ('stdout' | 'stderr')[];
  /** --sig-proxy=false: signals we receive stay ours (default: forwarded without -t). */
  sigProxy?: boolean;
}

export function terminalAttach(opts: TerminalOptions): AttachHandler {
  return async (client: AttachClient, state) => {
    const { io } = opts;
    // process.stdin is made on first use (a stream over a pipe, file or tty: a few ms): only with -i
    const stdin = opts.stdin ? process.stdin : undefined;
    const raw = opts.tty && stdin?.isTTY === true;
    // Raw mode before any output is shown: whoever reacts to the output (a user, a test) must
    // already be typing into the container, not into our terminal's line discipline.
    const savedTermios = raw ? sys().makeRaw(0) : undefined;
    // Signals are ours to forward before the first output is shown: onOutput flushes what the
    // container already wrote, and whoever reacts to it with a signal must not find node's default.
    const stopSignals = forwardSignals(state.pid, !opts.tty && opts.sigProxy !== false);
    const shown = new Set(opts.output ?? ['stdout', 'stderr']);
    client.onOutput((stream, data) => {
      if (shown.has(stream)) (stream === 'stdout' ? io.stdout : io.stderr).write(data);
    });
    const resize = () => client.resize(process.stdout.rows ?? 0, process.stdout.columns ?? 0);
    if (opts.tty && process.stdout.isTTY) {
      resize();
      process.on('SIGWINCH', resize);
    }
    let detach: () => void = () => undefined;
    const detached = new Promise<boolean>((resolve) => (detach = () => resolve(true)));
    const keys = opts.detachKeys && raw ? new DetachMatcher(opts.detachSequence ?? parseDetachKeys(DEFAULT_DETACH_KEYS)) : undefined;
    const onData = (chunk: Buffer) => {
      if (!keys) return void client.write(chunk);
      const { forward, detach: done } = keys.feed(chunk);
      if (forward.length) client.write(forward);
      if (done) detach();
    };
    const onEnd = () => client.closeStdin();
    if (stdin) {
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
      if (stdin) {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        stdin.unref?.();
      }
      if (savedTermios) sys().restoreTermios(0, savedTermios);
    }
  };
}
