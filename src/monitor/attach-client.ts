// A client of a container's attach socket: output in, stdin and window sizes out, and the exit
// status when the container ends.
import * as net from 'node:net';
import { InternalError } from '../errors/errors';
import { frame, FrameReader, HELLO_CLEANS_UP, HELLO_STDIN, resizeFrame, type ExitInfo } from './attach-protocol';

export type OutputHandler = (stream: 'stdout' | 'stderr', data: Buffer) => void;

export class AttachClient {
  /** Resolves with the exit status, or undefined if the connection ended without one (detach, monitor gone). */
  readonly exit: Promise<ExitInfo | undefined>;
  /**
   * The same status as soon as its frame arrives, before the socket has closed (~0.5 ms sooner): all
   * output came before it. For callers that only want the status (the Node library's wait()).
   */
  readonly exitReported: Promise<ExitInfo | undefined>;
  private output: OutputHandler | undefined;
  private buffered: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];

  private constructor(private readonly sock: net.Socket) {
    const reader = new FrameReader();
    let reported: (exit: ExitInfo | undefined) => void = () => undefined;
    this.exitReported = new Promise((resolve) => (reported = resolve));
    this.exit = new Promise((resolve) => {
      let exit: ExitInfo | undefined;
      sock.on('data', (chunk: Buffer) => {
        for (const f of reader.push(chunk)) {
          if (f.type === 'X') {
            exit = f.exit;
            reported(exit);
            sock.end(); // the monitor waits for us to close before it goes
          } else {
            this.emit(f.type === 'O' ? 'stdout' : 'stderr', f.data);
          }
        }
      });
      sock.on('close', () => {
        reported(exit);
        resolve(exit);
      });
      sock.on('error', () => undefined);
    });
  }

  static connect(socketPath: string, opts: { stdin: boolean; cleansUp: boolean }): Promise<AttachClient> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection(socketPath);
      sock.once('connect', () => {
        const client = new AttachClient(sock);
        sock.write(frame('H', Buffer.from([(opts.stdin ? HELLO_STDIN : 0) | (opts.cleansUp ? HELLO_CLEANS_UP : 0)])));
        resolve(client);
      });
      sock.once('error', (err) => reject(new InternalError(`cannot attach to ${socketPath}: ${err.message}`)));
    });
  }

  /** Output arriving before a handler is set is kept and replayed to it. */
  onOutput(handler: OutputHandler): void {
    this.output = handler;
    for (const b of this.buffered.splice(0)) handler(b.stream, b.data);
  }

  private emit(stream: 'stdout' | 'stderr', data: Buffer): void {
    if (this.output) this.output(stream, data);
    else this.buffered.push({ stream, data });
  }

  write(data: Buffer): boolean {
    return this.send(frame('I', data));
  }

  closeStdin(): void {
    this.send(frame('C'));
  }

  resize(rows: number, cols: number): void {
    if (rows > 0 && cols > 0) this.send(resizeFrame(rows, cols));
  }

  /** Nothing more is sent once our side is closed (after the exit). */
  private send(data: Buffer): boolean {
    return this.sock.writable ? this.sock.write(data) : false;
  }

  /** Stops listening; the container keeps running. */
  detach(): void {
    this.sock.destroy();
  }

  /** Lets the event loop finish while the socket is still open (used after detach). */
  unref(): void {
    this.sock.unref();
  }
}
