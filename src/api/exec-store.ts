// Exec instances live in the service's memory, as in dockerd: made by POST /containers/{id}/exec,
// run once by POST /exec/{id}/start, inspected for their exit code, forgotten a while after they end.
import { randomBytesSync } from '../sys/random';
import { ConflictError, NotFoundError } from '../errors/errors';

export interface ExecConfig {
  cmd: string[];
  env: string[];
  user?: string;
  workdir?: string;
  tty: boolean;
  privileged: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  detachKeys: string;
  consoleSize?: { rows: number; cols: number };
}

export interface ExecInstance {
  id: string;
  containerId: string;
  config: ExecConfig;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  /** Host pid of the process, once known (for inspect and resize). */
  pid: number;
  /** nsexec's stage-0, the process's parent on the host (found right after the spawn). */
  stage0Pid?: number;
  endedAt?: number;
  /** A resize that came before the process was found: applied once it is. */
  pendingSize?: { rows: number; cols: number };
}

const KEEP_ENDED_MS = 10 * 60_000;

export class ExecStore {
  private readonly instances = new Map<string, ExecInstance>();

  create(containerId: string, config: ExecConfig): ExecInstance {
    this.sweep();
    const inst: ExecInstance = { id: randomBytesSync(32).toString('hex'), containerId, config, started: false, running: false, exitCode: null, pid: 0 };
    this.instances.set(inst.id, inst);
    return inst;
  }

  /** By full id or unique prefix, as docker resolves exec ids. */
  get(ref: string): ExecInstance {
    const exact = this.instances.get(ref);
    if (exact) return exact;
    const hits = ref ? [...this.instances.values()].filter((i) => i.id.startsWith(ref)) : [];
    if (hits.length === 1) return hits[0];
    throw new NotFoundError(`No such exec instance: ${ref}`);
  }

  /** Marks the instance started; an exec runs once. */
  claim(inst: ExecInstance): void {
    if (inst.started) throw new ConflictError(`Exec ${inst.id} has already been started`);
    inst.started = true;
    inst.running = true;
  }

  finish(inst: ExecInstance, exitCode: number | null): void {
    inst.running = false;
    inst.exitCode = exitCode;
    inst.endedAt = Date.now();
  }

  /** Instances of a container (docker lists their ids in the container's inspect as ExecIDs). */
  ofContainer(containerId: string): ExecInstance[] {
    return [...this.instances.values()].filter((i) => i.containerId === containerId);
  }

  stage0Pids(): Set<number> {
    return new Set([...this.instances.values()].flatMap((i) => (i.stage0Pid ? [i.stage0Pid] : [])));
  }

  private sweep(): void {
    const old = Date.now() - KEEP_ENDED_MS;
    for (const [id, i] of this.instances) if (i.endedAt !== undefined && i.endedAt < old) this.instances.delete(id);
  }
}
