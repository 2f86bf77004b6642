// The facts native/src/runtime-fast.c needs to answer state, start, kill and delete without Node:
// "key value" lines beside state.json. Everything in them is decided here; what the C side must not
// do on its own (run hooks) is marked "slow", and it hands such a call to this runtime instead.
import * as path from 'node:path';
import type { CgroupManager } from '../cgroups/manager';
import { writeFileAtomic } from '../store/atomic';
import type { Hooks } from './spec';
import type { RuntimeState } from './state';

/** What `state` prints besides the status and the pid, which the C side reads live. */
export interface StaticState {
  ociVersion: string;
  id: string;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
}

export function writeFastFacts(dir: string, state: RuntimeState, cgroups: CgroupManager, hooks: Hooks | undefined, oci: StaticState): void {
  const lines = [`pid ${state.pid}`, `start ${state.pidStartTime}`];
  const freezer = cgroups.placements.find((p) => p.hierarchy.version === 1 && p.hierarchy.controllers.includes('freezer'))
    ?? cgroups.placements.find((p) => p.hierarchy.version === 2);
  if (freezer) lines.push(`freezer-v${freezer.hierarchy.version} ${freezer.dir}`);
  const procs = cgroups.placements.find((p) => p.hierarchy.version === 1 && p.hierarchy.controllers.includes('pids')) ?? cgroups.placements[0];
  if (procs) lines.push(`procs ${path.join(procs.dir, 'cgroup.procs')}`);
  for (const dir of state.createdCgroups) lines.push(`cgroup ${dir}`);
  if (state.pruneCgroupParent) {
    for (const p of cgroups.placements) if (path.dirname(p.dir) !== p.hierarchy.mountpoint) lines.push(`prune ${path.dirname(p.dir)}`);
  }
  if (hooks?.poststart?.length || hooks?.poststop?.length) lines.push('slow 1');
  // the C side puts the live status and pid in; nothing else in it changes after create
  const json = JSON.stringify({ ...oci, status: '@@STATUS@@', pid: 0 }).replace('"pid":0', '"pid":@@PID@@');
  lines.push(`state ${json}`);
  if (lines.some((l) => l.includes('\n'))) lines.push('slow 1');
  writeFileAtomic(path.join(dir, 'fast'), `${lines.join('\n')}\n`, { durable: false });
}
