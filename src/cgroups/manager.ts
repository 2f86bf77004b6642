// One cgroup per container, in every hierarchy the host mounts (v1 controllers, named
// hierarchies, and the cgroup2 mount on hybrid hosts). We remove exactly the directories we created.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, MydockerError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Hierarchy, HostCgroups } from './hierarchy';

export interface CgroupPlacement {
  hierarchy: Hierarchy;
  /** Absolute directory of the container's cgroup in this hierarchy. */
  dir: string;
}

export class CgroupError extends MydockerError {
  constructor(message: string, cause?: unknown) {
    super('Internal', message, { cause });
  }
}

/** Absolute cgroups paths start at each hierarchy's root; relative ones nest under our own cgroup (as runc does). */
export function placements(host: HostCgroups, cgroupsPath: string): CgroupPlacement[] {
  if (cgroupsPath.split('/').some((c) => c === '..')) {
    throw new InvalidArgumentError(`invalid cgroups path ${JSON.stringify(cgroupsPath)}: ".." is not allowed`);
  }
  return host.hierarchies.map((h) => {
    const rel = cgroupsPath.startsWith('/') ? cgroupsPath : path.posix.join(h.ownPath, cgroupsPath);
    return { hierarchy: h, dir: path.join(h.mountpoint, rel) };
  });
}

export class CgroupManager {
  readonly placements: CgroupPlacement[];

  constructor(readonly host: HostCgroups, readonly cgroupsPath: string, private readonly log: Logger) {
    this.placements = placements(host, cgroupsPath);
  }

  /**
   * Creates the cgroup in every hierarchy and returns the directories it made (parents included),
   * outermost first, so that destroy() removes exactly those and nothing of anyone else's.
   */
  create(): string[] {
    const created: string[] = [];
    try {
      for (const p of this.placements) created.push(...this.mkdirs(p));
    } catch (err) {
      this.removeDirs(created);
      throw err;
    }
    return created;
  }

  private mkdirs(p: CgroupPlacement): string[] {
    const made: string[] = [];
    const root = p.hierarchy.mountpoint;
    let dir = root;
    for (const part of path.relative(root, p.dir).split('/').filter(Boolean)) {
      const parent = dir;
      dir = path.join(dir, part);
      try {
        fs.mkdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new CgroupError(`failed to create cgroup ${dir}: ${(err as Error).message}`, err);
      }
      made.push(dir);
      this.log.step('cgroups', 'cgroup-create', { path: dir });
      if (p.hierarchy.version === 1 && p.hierarchy.controllers.includes('cpuset')) inheritCpuset(parent, dir, this.log);
    }
    return made;
  }

  /** Moves pid into the container's cgroup in every hierarchy. */
  join(pid: number): void {
    for (const p of this.placements) writeCgroupFile(path.join(p.dir, 'cgroup.procs'), String(pid), this.log);
  }

  /** Removes the directories create() made, innermost first; waits briefly for dying tasks to leave. */
  async destroy(created: readonly string[]): Promise<void> {
    const failures = await removeDirsPatiently([...created].reverse());
    if (failures.length) throw new CgroupError(`failed to remove cgroup ${failures[0]}: device or resource busy`);
  }

  /** Removes the container's parent cgroup in every hierarchy if no other cgroup lives in it. */
  async pruneParent(): Promise<void> {
    const parents = this.placements
      .map((p) => path.dirname(p.dir))
      .filter((d, i) => d !== this.placements[i].hierarchy.mountpoint && !hasChildCgroups(d));
    await removeDirsPatiently(parents);
  }

  private removeDirs(dirs: readonly string[]): void {
    for (const d of [...dirs].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        // best effort while unwinding a failed create
      }
    }
  }
}

/** A v1 cpuset cgroup starts with empty cpus and mems, and no task can join it (ENOSPC): copy the parent's. */
function inheritCpuset(parent: string, dir: string, log: Logger): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const value = fs.readFileSync(path.join(parent, file), 'utf8').trim();
    writeCgroupFile(path.join(dir, file), value, log);
  }
}

export function writeCgroupFile(file: string, value: string, log: Logger): void {
  try {
    fs.writeFileSync(file, value);
  } catch (err) {
    throw new CgroupError(`failed to write ${value} to ${file}: ${(err as Error).message}`, err);
  }
  log.step('cgroups', 'cgroup-write', { path: file, value });
}

async function removeDirsPatiently(dirs: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const d of dirs) {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.rmdirSync(d);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        // A parent that holds another container's cgroup stays; that is not a failure.
        if ((code === 'EBUSY' || code === 'ENOTEMPTY') && hasChildCgroups(d)) break;
        if (code === 'EBUSY' && attempt < 50) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        failures.push(d);
        break;
      }
    }
  }
  return failures;
}

function hasChildCgroups(dir: string): boolean {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
  } catch {
    return false;
  }
}
