// -o FILE for export and save: the client writes the user's file, whole or not at all (a temp file
// beside it, fsynced, renamed into place; removed on any failure).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytesSync } from '../sys/random';
import { InvalidArgumentError } from '../errors/errors';

export async function writeFileAtomically(file: string, produce: (out: fs.WriteStream) => Promise<void>): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new InvalidArgumentError(`cannot write ${file}: directory ${dir} does not exist`);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytesSync(4).toString('hex')}.tmp`);
  try {
    const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    await produce(out);
    if (!out.writableFinished) await new Promise<void>((resolve, reject) => out.once('error', reject).end(() => resolve()));
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
