// Facts on disk are replaced whole: temp file, fsync, rename. A reader sees the old or the new file, never half.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytesSync } from '../sys/random';

export interface AtomicWriteOptions {
  mode?: number;
  /** fsync before rename: survives power loss, not just a killed process. Off for regenerable files. */
  durable?: boolean;
}

export function writeFileAtomic(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const { mode = 0o644, durable = true } = opts;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytesSync(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (durable) fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(file: string, value: unknown, opts?: AtomicWriteOptions): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);
}

/** Reads JSON, or returns undefined when the file does not exist. */
export function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}
