import type { Resources } from '../../runtime/spec';
import type { CgroupDir } from '../cgroup-dir';

/** One resource controller: how OCI `linux.resources` become files, on cgroup v1 and on v2. */
export interface Controller {
  /** Name of the v1 controller (the hierarchy that holds it). */
  readonly v1: string;
  /** Name of the v2 controller (as in cgroup.controllers), or undefined if v2 needs no controller for it. */
  readonly v2: string | undefined;
  /** Whether these resources set anything for this controller (no write, no subtree_control change otherwise). */
  wants(r: Resources): boolean;
  applyV1(dir: CgroupDir, r: Resources): void;
  applyV2(dir: CgroupDir, r: Resources): void;
}

/** -1 (or anything negative) means "no limit": v1 writes -1, v2 writes "max". */
export const v2Limit = (n: number): string => (n < 0 ? 'max' : String(n));
