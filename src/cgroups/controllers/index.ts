import { blkio } from './blkio';
import type { Controller } from './controller';
import { cpu } from './cpu';
import { cpuset } from './cpuset';
import { devices } from './devices';
import { hugetlb } from './hugetlb';
import { memory } from './memory';
import { pids } from './pids';

/** In the order they are applied: cpuset before anything else can move memory around. */
export const CONTROLLERS: readonly Controller[] = [cpuset, memory, cpu, pids, blkio, hugetlb, devices];
export type { Controller } from './controller';
