// One cgroup directory, as the controllers see it: named files to read and write. Every write
// is a step event (--explain shows "wrote 33554432 to …/memory.limit_in_bytes").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MydockerError } from '../errors/errors';
import type { Logger } from '../log/log';

export class CgroupError extends MydockerError {
  constructor(message: string, cause?: unknown) {
    super('Internal', message, { cause });
  }
}

export interface CgroupDir {
  readonly path: string;
  write(file: string, value: string): void;
  read(file: string): string;
  has(file: string): boolean;
}

export class FsCgroupDir implements CgroupDir {
  constructor(readonly path: string, private readonly log: Logger) {}

  write(file: string, value: string): void {
    const full = path.join(this.path, file);
    try {
      fs.writeFileSync(full, value);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new CgroupError(`failed to write ${value} to ${full}: ${code || (err as Error).message}`, err);
    }
    this.log.step('cgroups', 'cgroup-write', { path: full, value });
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.path, file), 'utf8').trim();
  }

  has(file: string): boolean {
    return fs.existsSync(path.join(this.path, file));
  }
}

/** Reads "key value" lines (memory.stat, memory.events, memory.oom_control, cpu.stat). */
export function readKeyValues(dir: CgroupDir, file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!dir.has(file)) return out;
  for (const line of dir.read(file).split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}
