// docker logs: the json-file log the monitor writes (rotated files oldest first), filtered by
// time, cut to the last N entries, and followed while the container runs.
import * as fs from 'node:fs';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import { comparableTime } from '../container-status';
import type { ContainerRecord } from '../container-store';
import { pollUntil, store, viewContainer, type EngineDeps } from './context';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  time: string;
  log: string;
}

export interface LogsOptions {
  follow: boolean;
  tail?: number;
  since?: string;
  until?: string;
  /** Stops following when aborted (a client of the Engine API that went away). */
  signal?: AbortSignal;
}

/** docker's time arguments: RFC 3339, unix seconds[.nanos], or a duration before now (10m, 1h30m, 2s). */
export function parseTimeArg(text: string, flag: string, now = Date.now()): string {
  const dur = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (dur && text !== '') {
    const ms = (Number(dur[1] ?? 0) * 3600 + Number(dur[2] ?? 0) * 60 + Number(dur[3] ?? 0)) * 1000;
    return new Date(now - ms).toISOString();
  }
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`invalid value "${text}" for ${flag}: expected a timestamp or a duration like 10m`);
  return new Date(t).toISOString();
}

function parseLines(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as LogEntry);
    } catch {
      // a line still being written
    }
  }
  return out;
}

function logFiles(base: string): string[] {
  const rotated: string[] = [];
  for (let i = 1; fs.existsSync(`${base}.${i}`); i++) rotated.push(`${base}.${i}`);
  return [...rotated.reverse(), base];
}

/** --log-driver none keeps nothing to read (docker's daemon says the same); checked before any stream opens. */
export function assertReadableLogs(record: ContainerRecord): void {
  if (record.hostConfig.LogConfig?.Type === 'none') throw new FailedPreconditionError('configured logging driver does not support reading');
}

export async function* readLogs(deps: EngineDeps, ref: string, opts: LogsOptions): AsyncGenerator<LogEntry> {
  const record = store(deps).resolve(ref);
  assertReadableLogs(record);
  const { logFile } = viewContainer(deps, record).paths;
  const since = opts.since ? comparableTime(opts.since) : undefined;
  const until = opts.until ? comparableTime(opts.until) : undefined;
  const keep = (e: LogEntry) => (!since || comparableTime(e.time) >= since) && (!until || comparableTime(e.time) <= until);
  let entries = logFiles(logFile).flatMap((f) => (fs.existsSync(f) ? parseLines(fs.readFileSync(f, 'utf8')) : [])).filter(keep);
  if (opts.tail !== undefined && opts.tail >= 0) entries = opts.tail === 0 ? [] : entries.slice(-opts.tail);
  yield* entries;
  if (!opts.follow) return;
  // Follow from the end of the current file; a rotation shows as a new inode or a shorter file.
  let stat = fs.existsSync(logFile) ? fs.statSync(logFile) : undefined;
  let offset = stat?.size ?? 0;
  let partial = '';
  const running = () => ['running', 'paused', 'restarting'].includes(viewContainer(deps, record).derived.status);
  for (;;) {
    const alive = running();
    let next: fs.Stats | undefined;
    try {
      next = fs.statSync(logFile);
    } catch {
      next = undefined;
    }
    if (next && (next.ino !== stat?.ino || next.size < offset)) {
      offset = 0;
      partial = '';
    }
    stat = next;
    if (next && next.size > offset) {
      const fd = fs.openSync(logFile, 'r');
      const buf = Buffer.alloc(next.size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = next.size;
      const text = partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n') + 1;
      partial = text.slice(cut);
      for (const e of parseLines(text.slice(0, cut))) if (keep(e)) yield e;
    }
    if (!alive || opts.signal?.aborted) return;
    await pollUntil(() => !!opts.signal?.aborted, 100);
  }
}
