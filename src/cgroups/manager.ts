// One cgroup per container, in every hierarchy the host mounts (v1 controllers, named
// hierarchies, and the cgroup2 mount on hybrid hosts). We remove exactly the directories we created.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { DeviceRule, Resources } from '../runtime/spec';
import { sys } from '../sys/native';
import { CgroupError, FsCgroupDir, readKeyValues, type CgroupDir } from './cgroup-dir';
import { CONTROLLERS } from './controllers';
import { freeze, isFrozen } from './controllers/freezer';
import { deviceFilterProgram } from './device-filter';
import type { Hierarchy, HostCgroups } from './hierarchy';

export { CgroupError } from './cgroup-dir';

export interface CgroupPlacement {
  hierarchy: Hierarchy;
  /** Absolute directory of the container's cgroup in this hierarchy. */
  dir: string;
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

/** Attaches eBPF device-filter instructions to a cgroup2 directory: bpf(2) for real, a recorder in tests. */
export type AttachDeviceFilter = (cgroupDir: string, program: Buffer) => void;

export const attachDeviceFilterWithBpf: AttachDeviceFilter = (dir, program) => {
  try {
    sys().attachDeviceFilter(dir, program);
  } catch (err) {
    throw new CgroupError(`failed to attach the device filter to cgroup ${dir}: ${(err as Error).message}`, err);
  }
};

export class CgroupManager {
  private placed?: CgroupPlacement[];

  constructor(
    readonly host: HostCgroups,
    readonly cgroupsPath: string,
    private readonly log: Logger,
    private readonly attachDeviceFilter: AttachDeviceFilter = attachDeviceFilterWithBpf,
  ) {
    placements({ ...host, hierarchies: [] }, cgroupsPath); // refuses a bad path now, not on first use
  }

  /** Made on first use: `ps` asks every container only whether it is frozen (placementFor). */
  get placements(): CgroupPlacement[] {
    return (this.placed ??= placements(this.host, this.cgroupsPath));
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
    const parts = path.relative(root, p.dir).split('/').filter(Boolean);
    let restarts = 0;
    for (let i = 0; i < parts.length; i++) {
      const parent = path.join(root, ...parts.slice(0, i));
      const dir = path.join(parent, parts[i]);
      let existed = false;
      try {
        fs.mkdirSync(dir);
      } catch (err) {
        // Another engine's delete prunes the shared parent once it holds no cgroup (pruneParent): when
        // that happens between our finding the parent and this mkdir, the path is made again from the top.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && i > 0 && restarts++ < 5) {
          i = -1;
          continue;
        }
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new CgroupError(`failed to create cgroup ${dir}: ${(err as Error).message}`, err);
        }
        existed = true;
      }
      if (!existed && !made.includes(dir)) {
        made.push(dir);
        this.log.step('cgroups', 'cgroup-create', { path: dir });
      }
      // Also for a parent that already existed: a parallel start may have made it and not filled it in yet.
      if (p.hierarchy.version === 1 && p.hierarchy.controllers.includes('cpuset')) {
        try {
          inheritCpuset(this.dirAt(parent), this.dirAt(dir));
        } catch (err) {
          // the same prune, between our mkdir (which found the shared parent) and filling it in
          if (isMissing(err) && !made.includes(dir) && restarts++ < 5) {
            i = -1;
            continue;
          }
          throw err;
        }
      }
    }
    return made;
  }

  /**
   * Writes the OCI resources, one controller at a time, into the hierarchy that holds it:
   * the v1 hierarchy of that controller, else the cgroup2 mount (hybrid and v2 hosts).
   */
  apply(resources: Resources | undefined): void {
    if (!resources) return;
    for (const c of CONTROLLERS) {
      if (!c.wants(resources)) continue;
      if (this.host.unusable) {
        // Without a cgroup nothing filters device access; a user namespace cannot mknod anyway.
        if (c.v1 === 'devices') continue;
        throw new CgroupError(`cannot apply ${c.v1} limits: ${this.host.unusable}`);
      }
      const v1 = this.placements.find((p) => p.hierarchy.version === 1 && p.hierarchy.controllers.includes(c.v1));
      if (v1) {
        c.applyV1(this.dir(v1), resources);
        continue;
      }
      const v2 = this.placements.find((p) => p.hierarchy.version === 2);
      if (v2 && c.v2 === undefined) {
        // cgroup2 has no devices files: the rules become an eBPF program attached to the cgroup.
        if (c.v1 === 'devices') this.attachDevices(v2, resources.devices ?? []);
        else this.log.warn('cgroups', `${c.v1} rules are not enforced on cgroup v2`);
        continue;
      }
      if (v2 && v2.hierarchy.controllers.includes(c.v2!)) {
        this.enableV2Controller(v2, c.v2!);
        c.applyV2(this.dir(v2), resources);
        continue;
      }
      throw new CgroupError(`the ${c.v1} cgroup controller is not available on this host`);
    }
  }

  private attachDevices(p: CgroupPlacement, rules: readonly DeviceRule[]): void {
    const program = deviceFilterProgram(rules);
    this.attachDeviceFilter(p.dir, program);
    this.log.step('cgroups', 'cgroup-device-filter', { path: p.dir, rules: rules.length, instructions: program.length / 8 });
  }

  /** v2 delegates a controller to a child only if every ancestor lists it in cgroup.subtree_control. */
  private enableV2Controller(p: CgroupPlacement, name: string): void {
    const root = p.hierarchy.mountpoint;
    const parts = path.relative(root, p.dir).split('/').filter(Boolean);
    let dir = root;
    for (const part of parts) {
      const d = this.dirAt(dir);
      const enabled = d.has('cgroup.subtree_control') ? d.read('cgroup.subtree_control').split(/\s+/) : [];
      if (!enabled.includes(name)) d.write('cgroup.subtree_control', `+${name}`);
      dir = path.join(dir, part);
    }
  }

  private dirAt(dir: string): CgroupDir {
    return new FsCgroupDir(dir, this.log);
  }

  private dir(p: CgroupPlacement): CgroupDir {
    return this.dirAt(p.dir);
  }

  private placementFor(v1Controller: string): CgroupPlacement | undefined {
    const { hierarchies } = this.host;
    const h = hierarchies.find((x) => x.version === 1 && x.controllers.includes(v1Controller)) ?? hierarchies.find((x) => x.version === 2);
    return h && placements({ ...this.host, hierarchies: [h] }, this.cgroupsPath)[0];
  }

  /** Whether the kernel's OOM killer killed a task of this cgroup; undefined without a memory controller. */
  oomKilled(): boolean | undefined {
    const p = this.placementFor('memory');
    if (!p) return undefined;
    const d = this.dir(p);
    const counters = readKeyValues(d, p.hierarchy.version === 1 ? 'memory.oom_control' : 'memory.events');
    return (counters.get('oom_kill') ?? 0) > 0;
  }

  /** The memory limit in bytes, or undefined when unlimited. */
  memoryLimit(): number | undefined {
    const p = this.placementFor('memory');
    if (!p) return undefined;
    const d = this.dir(p);
    const file = p.hierarchy.version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
    if (!d.has(file)) return undefined;
    const v = d.read(file);
    return v === 'max' || Number(v) >= 2 ** 62 ? undefined : Number(v);
  }

  setFrozen(frozen: boolean): void {
    const p = this.placementFor('freezer');
    if (!p) throw new CgroupError(this.host.unusable ? `cannot freeze: ${this.host.unusable}` : 'no freezer: neither a v1 freezer hierarchy nor cgroup v2');
    freeze(this.dir(p), p.hierarchy.version, frozen);
  }

  frozen(): boolean {
    const p = this.placementFor('freezer');
    return p ? isFrozen(this.dir(p), p.hierarchy.version) : false;
  }

  /**
   * How a new process enters this cgroup by itself: v1 `tasks` files it writes "0" into (a task
   * moving itself skips the lock that makes a cgroup.procs write wait ~10 ms for RCU), and the
   * cgroup2 directory it is cloned straight into (CLONE_INTO_CGROUP).
   */
  selfJoin(): { joinFiles: string[]; cgroup2Dir?: string; dirs: Record<string, string> } {
    const v2 = this.placements.find((p) => p.hierarchy.version === 2);
    return {
      joinFiles: this.placements.filter((p) => p.hierarchy.version === 1).map((p) => path.join(p.dir, 'tasks')),
      ...(v2 ? { cgroup2Dir: v2.dir } : {}),
      // by hierarchy directory name ("memory", "unified"): bound in where they cannot be mounted (user namespaces)
      dirs: Object.fromEntries(this.placements.map((p) => [path.basename(p.hierarchy.mountpoint), p.dir])),
    };
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

function isMissing(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  return e.code === 'ENOENT' || e.cause?.code === 'ENOENT' || /no such file or directory/.test(e.message ?? '');
}

/** A v1 cpuset cgroup starts with empty cpus and mems, and no task can join it (ENOSPC): copy the parent's. */
function inheritCpuset(parent: CgroupDir, dir: CgroupDir): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) if (!dir.has(file) || dir.read(file) === '') dir.write(file, parent.read(file));
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
