// An append-only event log (<root>/events.log, one JSON object a line): create, start, die,
// oom, stop, kill, destroy, pause, unpause, rename, exec_start… as docker names them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout } from '../store/layout';

export interface EngineEvent {
  type: 'container' | 'image' | 'network' | 'volume';
  action: string;
  id: string;
  attributes: Record<string, string>;
  /** Seconds since the epoch, and the same in nanoseconds (docker's time and timeNano). */
  time: number;
  timeNano: number;
}

export function eventsFile(layout: Layout): string {
  return path.join(layout.root, 'events.log');
}

export function recordEvent(layout: Layout, e: Omit<EngineEvent, 'time' | 'timeNano'>): void {
  const now = Date.now();
  const event: EngineEvent = { ...e, time: Math.floor(now / 1000), timeNano: now * 1e6 + Number(process.hrtime.bigint() % 1000000n) };
  fs.mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  // One write(2) with O_APPEND: concurrent writers never interleave within a line. Root's only:
  // events name containers, images, commands and labels.
  fs.appendFileSync(eventsFile(layout), JSON.stringify(event) + '\n', { mode: 0o600 });
}

export function parseEvents(text: string): EngineEvent[] {
  return text.split('\n').flatMap((l) => {
    if (!l) return [];
    try {
      return [JSON.parse(l) as EngineEvent];
    } catch {
      return []; // a line cut short by a crash
    }
  });
}
