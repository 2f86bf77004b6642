// The start-time half of --pid/--ipc/--uts container:X, --ipc shareable|host and --init: the namespace files
// of the containers joined (running, or refused as docker refuses), the host-side /dev/shm of a shareable
// container (a tmpfs in its directory, so others can bind the same one, as docker's ShmPath), and the init
// binary. The pure part is namespace-modes.ts; docs/cli-run-namespaces.md.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../errors/errors';
import { loadState, processAlive } from '../runtime/state';
import { isMountpoint } from '../storage/overlay';
import { MS } from '../sys/linux-constants';
import { MNT_DETACH, sys } from '../sys/native';
import { ContainerStore, type ContainerRecord } from './container-store';
import type { EngineDeps } from './lifecycle/context';
import { DEFAULT_SHM_SIZE, parseNamespaceMode, type NamespaceFacts, type NamespaceFlags } from './namespace-modes';

/** Static inits, in the order they are looked for: Debian's tini-static, docker's own, then catatonit. */
export const INIT_BINARIES = ['/usr/bin/tini-static', '/usr/libexec/docker/docker-init', '/usr/bin/docker-init', '/usr/bin/catatonit'];

export function findInitBinary(candidates: readonly string[] = INIT_BINARIES): string {
  const found = candidates.find((p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  });
  if (!found) {
    throw new FailedPreconditionError(`--init: no init binary found (looked for ${candidates.join(', ')})`, { hint: 'install the tini package' });
  }
  return found;
}

/** The host directory holding a shareable container's /dev/shm. */
export function shmDir(deps: EngineDeps, id: string): string {
  return path.join(deps.layout.containerDir(id), 'shm');
}

/** At create: the containers named by container:X modes exist (their running is checked at start). */
export function checkNamespaceTargets(f: NamespaceFlags, deps: EngineDeps): void {
  const containers = new ContainerStore(deps.layout);
  for (const kind of ['pid', 'ipc', 'uts'] as const) {
    const m = parseNamespaceMode(kind, f[kind]);
    if (m.mode === 'container') containers.resolve(m.container!);
  }
  if (f.init) findInitBinary();
}

const WORD = { pid: 'PID', ipc: 'IPC', uts: 'UTS' } as const;

/**
 * At start: what applyNamespaceModes needs. Mounts a shareable container's /dev/shm on the host (the caller
 * undoes it with releaseShm if the start fails).
 */
export function resolveNamespaceFacts(deps: EngineDeps, record: ContainerRecord): NamespaceFacts {
  const hc = record.hostConfig;
  const facts: NamespaceFacts = { joins: {} };
  const containers = new ContainerStore(deps.layout);
  const modes = { pid: hc.PidMode, ipc: hc.IpcMode, uts: hc.UTSMode };
  for (const kind of ['pid', 'ipc', 'uts'] as const) {
    const m = parseNamespaceMode(kind, modes[kind]);
    if (m.mode !== 'container') continue;
    const other = containers.resolve(m.container!);
    const state = loadState(deps.layout.runtimeStateDir(other.id));
    if (!state || !processAlive(state.pid, state.pidStartTime)) {
      throw new FailedPreconditionError(`cannot join ${WORD[kind]} of a non running container: ${other.name}`, { hint: `start ${other.name} first` });
    }
    facts.joins[kind] = `/proc/${state.pid}/ns/${kind}`;
    if (kind === 'ipc') facts.shmSource = donorShm(deps, other);
  }
  const ipc = parseNamespaceMode('ipc', hc.IpcMode).mode;
  if (ipc === 'host') facts.shmSource = '/dev/shm';
  if (ipc === 'shareable') facts.shmSource = mountShm(deps, record);
  if (hc.Init) facts.initBinary = findInitBinary();
  return facts;
}

/** docker's rule: only a shareable container (or one on the host's IPC) lends its IPC namespace. */
function donorShm(deps: EngineDeps, donor: ContainerRecord): string {
  const mode = parseNamespaceMode('ipc', donor.hostConfig.IpcMode).mode;
  if (mode === 'host') return '/dev/shm';
  const dir = shmDir(deps, donor.id);
  if (mode !== 'shareable' || !isMountpoint(dir)) {
    throw new FailedPreconditionError(`cannot join IPC of container ${donor.name}: non-shareable IPC`, {
      hint: `create ${donor.name} with --ipc shareable (IpcMode "shareable")`,
    });
  }
  return dir;
}

function mountShm(deps: EngineDeps, record: ContainerRecord): string {
  const dir = shmDir(deps, record.id);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isMountpoint(dir)) {
    const size = record.hostConfig.ShmSize || DEFAULT_SHM_SIZE;
    sys().mount('shm', dir, 'tmpfs', MS.NOSUID | MS.NODEV | MS.NOEXEC, `mode=1777,size=${size}`);
    deps.log.step('engine', 'shm-mount', { path: dir, size });
  }
  return dir;
}

/** After the container stopped (and when its start failed): a shareable /dev/shm leaves the host. Idempotent. */
export function releaseShm(deps: EngineDeps, id: string): void {
  const dir = shmDir(deps, id);
  if (!isMountpoint(dir)) return;
  // containers that joined keep their own bind of it; only the host's view goes
  sys().umount2(dir, MNT_DETACH);
  fs.rmdirSync(dir);
  deps.log.step('engine', 'shm-unmount', { path: dir });
}
