// blkio (v1) / io (v2): proportional weight and per-device throttling.
import { CgroupError, type CgroupDir } from '../cgroup-dir';
import { type Controller } from './controller';
import type { Resources } from '../../runtime/spec';

type Throttle = { major: number; minor: number; rate: number }[] | undefined;

const throttles = (r: Resources): [string, string, Throttle][] => {
  const b = r.blockIO ?? {};
  return [
    ['blkio.throttle.read_bps_device', 'rbps', b.throttleReadBpsDevice],
    ['blkio.throttle.write_bps_device', 'wbps', b.throttleWriteBpsDevice],
    ['blkio.throttle.read_iops_device', 'riops', b.throttleReadIOPSDevice],
    ['blkio.throttle.write_iops_device', 'wiops', b.throttleWriteIOPSDevice],
  ];
};

/** v1 weight lives in blkio.weight (CFQ) or blkio.bfq.weight (BFQ, newer kernels). */
function weightFile(dir: CgroupDir, v1: boolean): string {
  const [plain, bfq] = v1 ? ['blkio.weight', 'blkio.bfq.weight'] : ['io.weight', 'io.bfq.weight'];
  if (dir.has(plain)) return plain;
  if (dir.has(bfq)) return bfq;
  throw new CgroupError(`this kernel does not support block I/O weight (no ${plain} or ${bfq} in ${dir.path})`);
}

export const blkio: Controller = {
  v1: 'blkio',
  v2: 'io',
  wants: (r) => !!r.blockIO && (!!r.blockIO.weight || !!r.blockIO.weightDevice?.length || throttles(r).some(([, , t]) => t?.length)),
  applyV1(dir, r) {
    if (r.blockIO?.weight) dir.write(weightFile(dir, true), String(r.blockIO.weight));
    writeWeightDevices(dir, true, r);
    for (const [file, , list] of throttles(r)) for (const d of list ?? []) dir.write(file, `${d.major}:${d.minor} ${d.rate}`);
  },
  applyV2(dir, r) {
    if (r.blockIO?.weight) {
      const file = weightFile(dir, false);
      dir.write(file, file === 'io.weight' ? `default ${r.blockIO.weight}` : String(r.blockIO.weight));
    }
    writeWeightDevices(dir, false, r);
    for (const [, key, list] of throttles(r)) for (const d of list ?? []) dir.write('io.max', `${d.major}:${d.minor} ${key}=${d.rate}`);
  },
};

/**
 * Per-device weights. As runc: blkio.weight_device next to blkio.weight (CFQ), else blkio.bfq.weight_device
 * (v2: io.weight, else io.bfq.weight); a missing file is an error, not a silent skip. BFQ takes a weight only
 * for a device whose I/O scheduler is bfq: the kernel answers ENOTSUP otherwise, which the error explains.
 */
function writeWeightDevices(dir: CgroupDir, v1: boolean, r: Resources): void {
  const list = (r.blockIO?.weightDevice ?? []).filter((d) => d.weight);
  if (!list.length) return;
  const [plain, bfq] = v1 ? ['blkio.weight_device', 'blkio.bfq.weight_device'] : ['io.weight', 'io.bfq.weight'];
  const file = dir.has(v1 ? 'blkio.weight' : plain) ? plain : bfq;
  if (!dir.has(file)) throw new CgroupError(`this kernel does not support per-device block I/O weights (no ${plain} or ${bfq} in ${dir.path})`);
  for (const d of list) {
    try {
      dir.write(file, `${d.major}:${d.minor} ${d.weight}`);
    } catch (err) {
      if (file.includes('bfq') && err instanceof CgroupError && /ENOTSUP|EOPNOTSUPP/.test(err.message)) {
        throw new CgroupError(`${err.message}: a per-device weight needs the bfq I/O scheduler on device ${d.major}:${d.minor} (/sys/dev/block/${d.major}:${d.minor}/queue/scheduler)`, err);
      }
      throw err;
    }
  }
}
