// Pipes between the caller and an exec'd process (docker and podman do the same): the container
// never gets our own stdin/stdout/stderr, so a process it leaves behind cannot keep our terminal,
// read what is typed next, or read or truncate a file our output was redirected to.
import type { InitStreams } from '../runtime/nsexec';
import type { CliIo } from './command';

/** How long output may still arrive after the process exited (a child it left holds the pipe). */
const DRAIN_MS = 250;

export interface PipedStdio {
  connect(streams: InitStreams): void;
  /** After the process exited: output copied, then our ends closed; stdin no longer read. */
  finish(): Promise<void>;
}

export function pipedStdio(io: CliIo, forwardStdin: boolean): PipedStdio {
  const stdin = process.stdin;
  let ends: Promise<void>[] = [];
  let streams: InitStreams = {};
  const onData = (chunk: Buffer) => streams.stdin?.write(chunk);
  const onEnd = () => streams.stdin?.end();
  return {
    connect(s) {
      streams = s;
      s.stdin?.on('error', () => undefined); // EPIPE when the process does not read its input
      for (const [from, to] of [[s.stdout, io.stdout], [s.stderr, io.stderr]] as const) {
        if (!from) continue;
        from.on('data', (chunk: Buffer) => to.write(chunk));
        ends.push(new Promise((resolve) => from.once('close', () => resolve())));
      }
      if (forwardStdin && s.stdin) {
        stdin.on('data', onData);
        stdin.once('end', onEnd);
        stdin.resume();
      } else {
        s.stdin?.end();
      }
    },
    async finish() {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      streams.stdin?.destroy();
      const timer = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_MS).unref());
      await Promise.race([Promise.all(ends), timer]);
      streams.stdout?.destroy();
      streams.stderr?.destroy();
      ends = [];
    },
  };
}
