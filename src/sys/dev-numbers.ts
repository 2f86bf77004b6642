// Device numbers as glibc splits a 64-bit dev_t (gnu_dev_major/minor), from the JS number
// fs.Stats.rdev holds.
export function splitDev(rdev: number): { major: number; minor: number } {
  const hi = Math.floor(rdev / 2 ** 32);
  const lo = rdev >>> 0;
  return { major: ((lo >>> 8) & 0xfff) | (hi & ~0xfff), minor: (lo & 0xff) | ((lo >>> 12) & ~0xff) };
}
