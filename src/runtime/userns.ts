// A user namespace with given id maps, held by an fd: what idmapped mounts of image layers need
// before the container's own namespace exists. nsexec makes it (Node cannot clone) and we keep
// only the namespace: its process is killed at once and reaped by its stage-0.
import * as fs from 'node:fs';
import type { Logger } from '../log/log';
import { CLONE } from '../sys/linux-constants';
import { spawnInit } from './nsexec';
import { encodePlan } from './plan';

export async function openUserNamespace(uidMap: string, gidMap: string, log: Logger): Promise<number> {
  const plan = encodePlan({
    nsCreate: CLONE.NEWUSER, nsJoin: [], cgroupnsLate: false, rootReadonly: false, mounts: [], devices: [], symlinks: [],
    masked: [], readonlyPaths: [], sysctls: [], rlimits: [], uid: 0, gid: 0, additionalGids: [], noNewPrivs: true,
    argv: ['/nonexistent'], env: [], terminal: false, stdinRelay: false, detach: false, loopbackUp: false, log: false,
    keepFds: [], cgroupJoin: [], uidMap, gidMap,
  });
  const init = spawnInit(plan, { stdio: ['ignore', 'ignore', 'ignore'], log });
  try {
    const pid = await init.waitPid();
    return fs.openSync(`/proc/${pid}/ns/user`, 'r');
  } finally {
    init.abort(); // never told to go: it dies before doing anything
    await init.waitExit().catch(() => undefined);
  }
}
