// docker's JSON progress stream for pull, push, import and load: one JSON object a line,
// {"status":…,"id":…,"progressDetail":{"current":…,"total":…}}, which the docker CLI draws. The
// 200 goes out with the first message, so a failure before any output is still a plain HTTP error;
// after it, the failure is the stream's last line ({"errorDetail":…,"error":…}).
import type { Writable } from 'node:stream';
import type { Reply } from './http/reply';
import type { ProgressSink } from '../image/registry/progress';
import { progressError } from './errors';

const REDRAW_MS = 100;

export class JsonProgress implements ProgressSink {
  private out: Writable | undefined;
  private readonly lastDraw = new Map<string, number>();
  /** Message lines before the first layer: held, so an early failure is still a plain HTTP error (docker's 404 for a missing manifest). */
  private held: object[] = [];

  constructor(private readonly reply: Reply) {}

  get started(): boolean {
    return this.out !== undefined;
  }

  write(doc: object): void {
    if (!this.out) {
      this.out = this.reply.stream(200, 'application/json');
      this.release();
    }
    if (!this.out.writableEnded) this.out.write(`${JSON.stringify(doc)}\n`);
  }

  line(text: string): void {
    if (this.out) this.write({ status: text });
    else this.held.push({ status: text });
  }

  private release(): void {
    const held = this.held.splice(0);
    for (const doc of held) this.write(doc);
  }

  layer(id: string, status: string, current?: number, total?: number): void {
    if (current !== undefined) {
      const now = Date.now();
      if (current !== total && now - (this.lastDraw.get(id) ?? 0) < REDRAW_MS) return;
      this.lastDraw.set(id, now);
    }
    this.write({ status, progressDetail: current !== undefined ? { current, ...(total ? { total } : {}) } : {}, id });
  }

  /** Ends the stream; with an error, as its last line (or as a plain HTTP error if nothing was sent yet). */
  finish(err?: unknown): void {
    if (err !== undefined && !this.out) throw err;
    if (err !== undefined) this.write(progressError(err));
    if (!this.out) {
      this.out = this.reply.stream(200, 'application/json');
      this.release();
    }
    this.out.end();
  }
}

/** Runs fn with a progress stream; whatever it throws ends the stream as docker's error line. */
export async function withProgress(reply: Reply, fn: (p: JsonProgress) => Promise<void>): Promise<void> {
  const p = new JsonProgress(reply);
  try {
    await fn(p);
  } catch (err) {
    p.finish(err);
    return;
  }
  p.finish();
}
