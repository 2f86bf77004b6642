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
  wants: (r) => !!r.blockIO && (!!r.blockIO.weight || throttles(r).some(([, , t]) => t?.length)),
  applyV1(dir, r) {
    if (r.blockIO?.weight) dir.write(weightFile(dir, true), String(r.blockIO.weight));
    for (const [file, , list] of throttles(r)) for (const d of list ?? []) dir.write(file, `${d.major}:${d.minor} ${d.rate}`);
  },
  applyV2(dir, r) {
    if (r.blockIO?.weight) {
      const file = weightFile(dir, false);
      dir.write(file, file === 'io.weight' ? `default ${r.blockIO.weight}` : String(r.blockIO.weight));
    }
    for (const [, key, list] of throttles(r)) for (const d of list ?? []) dir.write('io.max', `${d.major}:${d.minor} ${key}=${d.rate}`);
  },
};
