// One container as the OCI runtime knows it: a state directory (<root>/<id>) holding facts
// (state.json) and, between create and start, the exec fifo the init is blocked on. Its OCI
// status is derived from those facts and live probes, never stored:
//   creating: the directory exists, state.json not yet    created: init alive, fifo present
//   running: init alive, fifo gone                          paused: running and frozen
//   stopped: init gone
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupManager } from '../cgroups/manager';
import { detectHostCgroups } from '../cgroups/hierarchy';
import { ConflictError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import type { Logger } from '../log/log';
import { OCI_VERSION, type State } from './spec';
import { loadState, processAlive, type RuntimeState } from './state';

export type OciStatus = State['status'];

/** What each operation accepts (the OCI lifecycle, as runc enforces it). */
export const ALLOWED: Record<'start' | 'kill' | 'pause' | 'resume' | 'exec' | 'delete', OciStatus[]> = {
  start: ['created'],
  kill: ['created', 'running', 'paused'],
  pause: ['running'],
  resume: ['paused'],
  exec: ['running', 'created'],
  delete: ['stopped', 'created'],
};

const ID = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;

export function checkId(id: string): string {
  if (!ID.test(id) || id.length > 1024) throw new InvalidArgumentError(`invalid container id ${JSON.stringify(id)}: use letters, digits and _ . + -`);
  return id;
}

export class RuntimeContainer {
  readonly dir: string;

  constructor(readonly root: string, readonly id: string) {
    this.dir = path.join(root, checkId(id));
  }

  get fifo(): string {
    return path.join(this.dir, 'exec.fifo');
  }

  exists(): boolean {
    return fs.existsSync(this.dir);
  }

  /** The recorded facts; throws "does not exist" when there is no such container. */
  state(): RuntimeState {
    const s = loadState(this.dir);
    if (!s) throw new NotFoundError(`container ${this.id} does not exist`);
    return s;
  }

  cgroups(log: Logger, state = this.state()): CgroupManager {
    return new CgroupManager(detectHostCgroups(), state.cgroupsPath, log);
  }

  /** `loaded`: the state the caller read already (saves reading it twice). */
  status(log: Logger, loaded?: RuntimeState): OciStatus {
    const s = loaded ?? loadState(this.dir);
    if (!s) {
      if (this.exists()) return 'creating';
      throw new NotFoundError(`container ${this.id} does not exist`);
    }
    if (!processAlive(s.pid, s.pidStartTime)) return 'stopped';
    if (fs.existsSync(this.fifo)) return 'created';
    try {
      if (this.cgroups(log, s).frozen()) return 'paused';
    } catch {
      // no freezer: cannot be paused
    }
    return 'running';
  }

  /**
   * Refuses an operation the container's status does not allow, in runc's words: callers match
   * them (containerd's shim takes "container not running" after a kill as "already gone").
   */
  expect(op: keyof typeof ALLOWED, log: Logger): OciStatus {
    const status = this.status(log);
    if (!ALLOWED[op].includes(status)) throw new FailedPreconditionError(refusal(op, status, this.id));
    return status;
  }

  /** `runc state`: the OCI state, plus the fields runc prints (rootfs, created, owner) that its callers read. */
  ociState(log: Logger): State & { rootfs: string; created: string; owner: string } {
    const s = this.state();
    const status = this.status(log);
    return {
      ociVersion: OCI_VERSION, id: this.id, pid: status === 'stopped' ? 0 : s.pid, status, bundle: s.bundle,
      rootfs: s.rootfs ?? '', created: s.created, owner: '', ...(s.annotations ? { annotations: s.annotations } : {}),
    };
  }
}

function refusal(op: keyof typeof ALLOWED, status: OciStatus, id: string): string {
  switch (op) {
    case 'start':
      return status === 'stopped' ? 'cannot start a container that has stopped' : 'cannot start an already running container';
    case 'delete':
      return `cannot delete container ${id} that is not stopped: ${status} (use --force)`;
    case 'resume':
      return 'container not paused';
    case 'exec':
      return `cannot exec in a ${status} container`;
    default:
      return 'container not running';
  }
}

/** Makes <root>/<id> for a new container: mkdir is the atomic "already exists" check. */
export function newContainerDir(root: string, id: string): RuntimeContainer {
  const container = new RuntimeContainer(root, checkId(id));
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  try {
    fs.mkdirSync(container.dir, 0o700);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`container with id ${id} already exists`);
    throw err;
  }
  return container;
}

/** Every container under a runtime root (runc list). */
export function listContainers(root: string): RuntimeContainer[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => ID.test(n) && fs.existsSync(path.join(root, n, 'state.json'))).sort().map((n) => new RuntimeContainer(root, n));
}
