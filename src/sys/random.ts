// Random bytes from the kernel without Node's crypto module, whose load (~6 ms on this VM) would be the
// only reason a `run` needed it (docs/performance.md).
import * as fs from 'node:fs';

export function randomBytesSync(n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    let off = 0;
    while (off < n) off += fs.readSync(fd, buf, off, n - off, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}
