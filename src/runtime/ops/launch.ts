// The steps every way of starting a container shares: spec → plan, the cgroup made and
// limited, and after the init exists: join its cgroup, record the runtime state.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import type { Logger } from '../../log/log';
import { bootId } from '../../sys/boot-id';
import { UndoStack } from '../../store/undo';
import { readHostFacts } from '../host-facts';
import { encodePlan } from '../plan';
import { compileSeccomp } from '../seccomp';
import { withHome } from '../home';
import type { DeviceRule, Spec } from '../spec';
import { specToPlan, type ConvertOptions } from '../specconv';
import { pidStartTime, saveState, type RuntimeState } from '../state';

const c = (major: number | undefined, minor: number | undefined, access = 'rwm'): DeviceRule => ({
  allow: true, type: 'c', ...(major === undefined ? {} : { major }), ...(minor === undefined ? {} : { minor }), access,
});

/**
 * The devices every container may use whatever its spec's rules say, added after them as runc
 * does (callers rely on it: containerd's CRI spec denies all and lists none): mknod of any node,
 * /dev/null, zero, full, random, urandom, tty, ptmx and the ptys.
 */
const ALWAYS_ALLOWED_DEVICES: DeviceRule[] = [
  c(undefined, undefined, 'm'), { allow: true, type: 'b', access: 'm' },
  c(1, 3), c(1, 5), c(1, 7), c(1, 8), c(1, 9), c(5, 0), c(5, 2), c(136, undefined),
];

export interface LaunchOptions {
  id: string;
  bundleDir: string;
  stateDir: string;
  log: Logger;
  pruneCgroupParent?: boolean;
  /** Where compiled seccomp filters are kept (one file per distinct profile). */
  seccompCacheDir: string;
}

export interface Launch {
  plan: Buffer;
  cgroups: CgroupManager;
  createdCgroups: string[];
  cgroupsPath: string;
  /** Removes the cgroup (and the parent when asked); pushed first on the caller's undo stack. */
  removeCgroups(): Promise<void>;
}

export function prepareLaunch(
  opts: LaunchOptions, spec: Spec, convert: Omit<ConvertOptions, 'bundleDir' | 'log' | 'cgroup'> & { noNewKeyring?: boolean }, undo: UndoStack,
): Launch {
  const { log } = opts;
  const cgroupsPath = spec.linux?.cgroupsPath || opts.id;
  const cgroups = new CgroupManager(detectHostCgroups(), cgroupsPath, log);
  const createdCgroups = cgroups.create();
  const removeCgroups = async () => {
    await cgroups.destroy(createdCgroups);
    if (opts.pruneCgroupParent) await cgroups.pruneParent();
  };
  undo.push('remove cgroup', removeCgroups);
  const resources = spec.linux?.resources;
  cgroups.apply(resources && { ...resources, devices: [...(resources.devices ?? []), ...ALWAYS_ALLOWED_DEVICES] });
  // The init joins its cgroup by itself, before it may run (see CgroupManager.selfJoin).
  const seccomp = spec.linux?.seccomp ? compileSeccomp(spec.linux.seccomp, opts.seccompCacheDir) : undefined;
  const rootfs = path.resolve(opts.bundleDir, spec.root?.path ?? 'rootfs');
  const withDefaults: Spec = spec.process ? { ...spec, process: withHome(spec.process, rootfs) } : spec;
  const plan = specToPlan(withDefaults, {
    ...convert, bundleDir: opts.bundleDir, log: log.stepsEnabled, cgroup: cgroups.selfJoin(), seccomp,
    sessionKeyring: convert.noNewKeyring ? undefined : sessionKeyringName(opts.id),
  }, readHostFacts());
  const bytes = encodePlan(plan);
  log.step('runtime', 'plan', { bytes: bytes.length, mounts: plan.mounts.length, devices: plan.devices.length });
  return { plan: bytes, cgroups, createdCgroups, cgroupsPath, removeCgroups };
}

/** Written atomically, as runc does: a caller polling for the file never reads half a number. */
export function writePidFile(file: string, pid: number): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}`);
  fs.writeFileSync(tmp, String(pid));
  fs.renameSync(tmp, file);
}

/** runc's name for a container's session keyring. */
export const sessionKeyringName = (id: string) => `_ses.${id}`;

export function recordState(
  opts: LaunchOptions, launch: Launch, pid: number, monitor?: { pid: number },
  extra: Pick<RuntimeState, 'rootfs' | 'annotations' | 'poststop'> = {},
): RuntimeState {
  const state: RuntimeState = {
    ...extra,
    schemaVersion: 1, id: opts.id, pid, pidStartTime: pidStartTime(pid) ?? '', bundle: opts.bundleDir,
    cgroupsPath: launch.cgroupsPath, createdCgroups: launch.createdCgroups, created: new Date().toISOString(),
    pruneCgroupParent: opts.pruneCgroupParent, bootId: bootId(),
    ...(monitor ? { monitorPid: monitor.pid, monitorStartTime: pidStartTime(monitor.pid) ?? '' } : {}),
  };
  saveState(opts.stateDir, state);
  return state;
}
