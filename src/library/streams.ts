// Output collection shared by run() and exec handles: a capped buffer per stream, so a snippet
// printing forever cannot exhaust the caller's memory.
import type { Readable } from 'node:stream';

export interface Collected {
  text(): string;
  truncated(): boolean;
}

/** Keeps at most `limit` bytes of the stream; the rest is read and dropped (the writer is never blocked). */
export function collect(stream: Readable, limit: number): Collected {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  stream.on('data', (d: Buffer) => {
    if (size >= limit) {
      cut = true;
      return;
    }
    const part = d.length > limit - size ? d.subarray(0, limit - size) : d;
    if (part.length < d.length) cut = true;
    chunks.push(part);
    size += part.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8'), truncated: () => cut };
}

/** Resolves once the stream ended or closed (or at once if it already has). */
export function ended(stream: Readable): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
