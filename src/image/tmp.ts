// Staging under layout.tmpDir. Every staging path carries its owner's pid and process start time, so a later
// command can tell leftovers of a killed process (removed) from work in progress (left alone).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytesSync } from '../sys/random';
import type { Layout } from '../store/layout';
import type { Logger } from '../log/log';

const PREFIX = 'image-';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined when the process is gone. */
export function processStartTime(pid: number | 'self'): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

let self: string | undefined;

/** A new, unique staging path name (not created) like tmp/image-layer-<pid>-<start>-<rand>. */
export function stagingPath(layout: Layout, kind: string): string {
  self ??= `${process.pid}-${processStartTime('self') ?? '0'}`;
  return path.join(layout.tmpDir, `${PREFIX}${kind}-${self}-${randomBytesSync(6).toString('hex')}`);
}

/** Removes staging paths whose owner process no longer exists. */
export function sweepStaging(layout: Layout, log: Logger): void {
  let names: string[];
  try {
    names = fs.readdirSync(layout.tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^image-[a-z]+-(\d+)-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m) continue;
    if (processStartTime(Number(m[1])) === m[2]) continue;
    log.debug('image', 'removing leftover staging path', { path: path.join(layout.tmpDir, name) });
    fs.rmSync(path.join(layout.tmpDir, name), { recursive: true, force: true });
  }
}
