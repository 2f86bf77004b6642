// docker's multiplexed stream (stdcopy): each chunk behind an 8-byte header
// [stream, 0, 0, 0, size as big-endian uint32], stream 0 stdin, 1 stdout, 2 stderr. Used for logs,
// attach and exec output when the container has no terminal; with a terminal the bytes go raw.

export type StreamId = 0 | 1 | 2;

export function encodeFrame(stream: StreamId, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

export const streamIdOf = (name: 'stdout' | 'stderr'): StreamId => (name === 'stdout' ? 1 : 2);

/** Splits a multiplexed byte stream back into frames (tests, and clients of our own). */
export class FrameDecoder {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): { stream: StreamId; data: Buffer }[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: { stream: StreamId; data: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      out.push({ stream: this.pending[0] as StreamId, data: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }
}
