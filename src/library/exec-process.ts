// A process started in a running container by Engine.exec: its own stdout and stderr pipes (and
// stdin when asked for), and its exit code.
import type { Readable, Writable } from 'node:stream';
import type { InitResult } from '../runtime/nsexec';
import { collect, ended } from './streams';

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Output a child the process left behind may still write: a short grace before our ends close. */
const OUTPUT_GRACE_MS = 250;

export class ExecProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Present when exec'd with `stdin: true`. */
  readonly stdin: Writable | undefined;
  private readonly done: Promise<number>;

  constructor(streams: { stdout: Readable; stderr: Readable; stdin?: Writable }, result: Promise<InitResult | undefined>) {
    this.stdout = streams.stdout;
    this.stderr = streams.stderr;
    this.stdin = streams.stdin;
    this.stdin?.on('error', () => undefined); // the process may exit before reading what we wrote
    this.done = result.then(async (r) => {
      const grace = new Promise<void>((resolve) => setTimeout(resolve, OUTPUT_GRACE_MS).unref());
      await Promise.race([Promise.all([ended(this.stdout), ended(this.stderr)]), grace]);
      this.stdin?.destroy();
      if (!r) return 0;
      return r.status.signal !== undefined ? 128 + r.status.signal : r.status.code;
    });
  }

  /** The exit code (128 + N for signal N; 126/127 when the command could not be executed). */
  wait(): Promise<number> {
    return this.done;
  }

  /** Reads both streams to the end (at most maxBytes each) and waits for the exit. */
  async output(maxBytes = 16 << 20): Promise<ExecOutput> {
    const out = collect(this.stdout, maxBytes);
    const err = collect(this.stderr, maxBytes);
    const exitCode = await this.done;
    return { exitCode, stdout: out.text(), stderr: err.text() };
  }
}
