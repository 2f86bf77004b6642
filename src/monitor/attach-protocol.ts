// Frames on a container's attach socket (served by native/src/monitor.c):
// 1 type byte, u32le payload length, payload. Client → monitor: H hello, I stdin, C close stdin,
// W resize (u16le rows, u16le cols). Monitor → client: O stdout, E stderr, X exit (JSON).

export const HELLO_STDIN = 1;
/** The client will run the post-exit cleanup itself, so the monitor need not start it. */
export const HELLO_CLEANS_UP = 2;

export function frame(type: 'H' | 'I' | 'C' | 'W', payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

export function resizeFrame(rows: number, cols: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt16LE(rows, 0);
  p.writeUInt16LE(cols, 2);
  return frame('W', p);
}

export interface ExitInfo {
  exitCode: number;
  signal: number;
  oomKilled: boolean;
  finishedAt: string;
  /** Set when the engine, not the monitor, recorded the end (e.g. the host rebooted). */
  error?: string;
}

export type MonitorFrame = { type: 'O' | 'E'; data: Buffer } | { type: 'X'; exit: ExitInfo };

/** Splits a byte stream into frames; keeps a partial frame for the next chunk. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): MonitorFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: MonitorFrame[] = [];
    while (this.pending.length >= 5) {
      const len = this.pending.readUInt32LE(1);
      if (this.pending.length < 5 + len) break;
      const type = String.fromCharCode(this.pending[0]);
      const data = this.pending.subarray(5, 5 + len);
      this.pending = this.pending.subarray(5 + len);
      if (type === 'X') out.push({ type: 'X', exit: JSON.parse(data.toString('utf8')) as ExitInfo });
      else if (type === 'O' || type === 'E') out.push({ type, data: Buffer.from(data) });
    }
    return out;
  }
}
