// Progress of pull and push, docker style. On a terminal: one line per layer, redrawn in place with a bar while
// bytes move. Otherwise: plain lines for status changes only ("3f2a1b0c9d8e: Pull complete").
import { humanSize } from '../display';

export interface ProgressSink {
  /** A message line ("latest: Pulling from library/busybox", "Digest: sha256:…"). */
  line(text: string): void;
  /** A layer's status; current/total (bytes) for Downloading/Pushing. */
  layer(id: string, status: string, current?: number, total?: number): void;
}

export const silentProgress: ProgressSink = { line: () => undefined, layer: () => undefined };

const MOVING = new Set(['Downloading', 'Pushing']);
const REDRAW_MS = 100;

type Out = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function createProgress(out: Out, tty = out.isTTY === true): ProgressSink {
  return tty ? new TtyProgress(out) : new PlainProgress(out);
}

class PlainProgress implements ProgressSink {
  private readonly last = new Map<string, string>();
  constructor(private readonly out: Out) {}
  line(text: string): void {
    this.out.write(`${text}\n`);
  }
  layer(id: string, status: string): void {
    if (MOVING.has(status) || this.last.get(id) === status) return;
    this.last.set(id, status);
    this.out.write(`${id}: ${status}\n`);
  }
}

class TtyProgress implements ProgressSink {
  private rows = 0;
  private readonly rowOf = new Map<string, number>();
  private readonly drawn = new Map<string, { status: string; at: number }>();
  constructor(private readonly out: Out) {}

  line(text: string): void {
    this.out.write(`${text}\n`);
    this.rows++;
  }

  layer(id: string, status: string, current?: number, total?: number): void {
    const now = Date.now();
    const prev = this.drawn.get(id);
    if (prev && prev.status === status && MOVING.has(status) && now - prev.at < REDRAW_MS) return;
    this.drawn.set(id, { status, at: now });
    const text = this.fit(`${id}: ${status}${MOVING.has(status) && total ? ` ${bar(current ?? 0, total, this.cols() > 110)}` : ''}`);
    const row = this.rowOf.get(id);
    if (row === undefined) {
      this.rowOf.set(id, this.rows++);
      this.out.write(`${text}\n`);
      return;
    }
    const up = this.rows - row;
    this.out.write(`\x1b[${up}A\r\x1b[2K${text}\x1b[${up}B\r`);
  }

  private cols(): number {
    return this.out.columns || 80;
  }

  private fit(text: string): string {
    const cols = this.cols();
    return text.length >= cols ? text.slice(0, cols - 1) : text;
  }
}

/** "[=====>      ]  1.2MB/3.4MB": docker's 50-column bar, shown only on terminals wider than 110 columns. */
export function bar(current: number, total: number, wide = true): string {
  const numbers = `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  if (!wide) return numbers;
  const width = 50;
  const filled = Math.min(width, Math.floor((current / total) * width));
  const arrow = filled < width ? '>' : '';
  const body = `${'='.repeat(filled)}${arrow}`.padEnd(width, ' ').slice(0, width);
  return `[${body}] ${numbers}`;
}
