// One attach over HTTP: a container's output onto the connection (raw with a terminal, docker's
// 8-byte frames without), the connection's bytes to the container's stdin, end of input as
// close-stdin. The session ends when the container exits, the client leaves, or the service stops.
import type { Duplex, Writable } from 'node:stream';
import type { AttachClient } from '../monitor/attach-client';
import { encodeFrame, streamIdOf } from './http/frames';

export interface SessionOptions {
  tty: boolean;
  /** Forward what the client sends to the container's stdin. */
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  signal: AbortSignal;
  /**
   * The service keeps this client until the exit (it runs the cleanup): a client that leaves only
   * closes the container's stdin (docker's StdinOnce) instead of detaching it.
   */
  keepClient: boolean;
}

/** Resolves once the session is over; `exited` says whether the container's exit ended it. */
export function runAttachSession(client: AttachClient, conn: Duplex | Writable, opts: SessionOptions): Promise<{ exited: boolean }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (exited: boolean) => {
      if (done) return;
      done = true;
      opts.signal.removeEventListener('abort', onAbort);
      if (isDuplex(conn)) {
        conn.off('data', onData);
        conn.off('end', onEnd);
      }
      if (!exited && !opts.keepClient) client.detach();
      else if (!exited && opts.stdin) client.closeStdin();
      conn.end();
      resolve({ exited });
    };
    const onAbort = () => finish(false);
    const onData = (chunk: Buffer) => client.write(chunk);
    const onEnd = () => client.closeStdin();
    client.onOutput((stream, data) => {
      if (done || (stream === 'stdout' && !opts.stdout) || (stream === 'stderr' && !opts.stderr)) return;
      conn.write(opts.tty ? data : encodeFrame(streamIdOf(stream), data));
    });
    if (isDuplex(conn)) {
      if (opts.stdin) {
        conn.on('data', onData);
        conn.on('end', onEnd);
      }
      conn.resume(); // without stdin, what the client sends is drained
    }
    conn.on('close', () => finish(false));
    conn.on('error', () => finish(false));
    opts.signal.addEventListener('abort', onAbort);
    if (opts.signal.aborted) onAbort();
    void client.exit.then((exit) => finish(exit !== undefined));
  });
}

function isDuplex(s: Duplex | Writable): s is Duplex {
  return typeof (s as Duplex).read === 'function';
}
