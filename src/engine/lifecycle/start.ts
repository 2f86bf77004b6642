// docker start: mount the rootfs, write the bundle, and start the init under its monitor.
// The caller holds the container's lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError } from '../../errors/errors';
import { startMonitored } from '../../runtime/ops/start-monitored';
import type { RuntimeState } from '../../runtime/state';
import { writeJsonAtomic } from '../../store/atomic';
import { UndoStack } from '../../store/undo';
import { unmountOverlay } from '../../storage/overlay';
import { mountContainerRootfs, hostId } from './rootfs';
import { heldCapabilities, securitySummary, specSecurity } from '../security/container-security';
import type { IdMappings } from '../security/userns';
import { openPathsForUserns } from '../security/userns-paths';
import type { EtcFiles } from '../../network/etc-files';
import { mkdirInRoot } from '../../storage/secure-join';
import { findPackageRoot } from '../../sys/native';
import { logRotation } from '../log-driver';
import { ociBinaryFor, startWithOciBinary } from '../oci-binary';
import { can } from '../container-status';
import type { ContainerRecord } from '../container-store';
import { writeEtcFiles } from '../../network/etc-files';
import { buildSpec } from '../oci-spec';
import { resolveUserInRootfs } from '../user';
import { containerPaths, event, removeFileIfExists, viewContainer, type EngineDeps, type StartedRecord } from './context';
import { prepareMounts } from '../container-mounts';
import { healthMonitorOptions } from '../health/run-probe';
import { releaseShm, resolveNamespaceFacts } from '../namespace-joins';
import { adoptAttachment, connectContainer, connectEarly, connectsEarly, disconnectContainer, networkNamespacePath } from '../container-network';
import { netnsPinPath } from '../../network/attachments';
import { releaseAndReport } from './teardown';

export interface StartOptions {
  /** Connect before the container may run, so no output is missed (foreground run, start -a). */
  beforeGo?: (state: RuntimeState) => Promise<void>;
  consoleSize?: { rows: number; cols: number };
  restartCount?: number;
}

/** The command the monitor runs when the container exits (the post-exit cleanup). */
export function exitCommand(deps: EngineDeps, id: string): string[] {
  const cli = path.join(findPackageRoot(), 'bin', 'mydocker');
  return [process.execPath, '--', cli, '--root', deps.layout.root, '--runroot', deps.layout.runroot, 'internal', 'cleanup', id];
}

/** The container's root may rewrite its /etc/hosts and friends, as in docker. */
function chownEtcFiles(files: EtcFiles, maps: IdMappings): void {
  for (const f of [files.hostname, files.hosts, files.resolvConf]) fs.chownSync(f, hostId(maps, 'uid', 0), hostId(maps, 'gid', 0));
}

export async function startContainer(deps: EngineDeps, record: ContainerRecord, opts: StartOptions = {}): Promise<RuntimeState> {
  let view = viewContainer(deps, record);
  if (view.derived.stale && !record.hostConfig.AutoRemove) {
    // The previous run ended but its clean-up (the monitor's exit command, a process of its own) has not
    // run yet, as with a start right after `wait`: do it now, as that clean-up would; it then finds the
    // container running and leaves it alone. (An --rm container is its clean-up's to remove.)
    await releaseAndReport(deps, view);
    view = viewContainer(deps, record);
  }
  if (!can.start(view.derived.status)) {
    throw new FailedPreconditionError(`container ${record.name} is already ${view.derived.status}`);
  }
  const { log, layout } = deps;
  const p = containerPaths(layout, record.id);
  return UndoStack.run(async (undo) => {
    // first: a container:X mode whose X is not running refuses the start before anything is done
    undo.push('release /dev/shm', () => releaseShm(deps, record.id));
    const namespaceFacts = resolveNamespaceFacts(deps, record);
    const etcFiles = writeEtcFiles(p.dir, record.config.Hostname);
    if (record.idMappings) chownEtcFiles(etcFiles, record.idMappings);
    log.step('engine', 'etc-files', { dir: p.dir });
    // CNI networks: the plugins (a process each, the largest cost of a start) run while the rest is made
    let early: Promise<void> | undefined;
    if (connectsEarly(record)) {
      const connecting = connectEarly(deps, record);
      early = connecting;
      connecting.catch(() => undefined); // awaited before the init may go, which reports a failure
      undo.push('disconnect networks', async () => {
        await connecting.catch(() => undefined); // never DEL while the ADD still runs
        await disconnectContainer(deps, record);
      });
    }
    await mountContainerRootfs(deps, record, { upper: p.upper, work: p.work, target: p.rootfs });
    undo.push('unmount rootfs', () => unmountOverlay(p.rootfs, log));
    const user = resolveUserInRootfs(p.rootfs, record.config.User, record.hostConfig.GroupAdd ?? []);
    if (record.config.WorkingDir) mkdirInRoot(p.rootfs, record.config.WorkingDir);
    const security = specSecurity(record.hostConfig, record.idMappings, heldCapabilities());
    for (const what of security.notEnforced) deps.warn?.(`${what} is accepted but not enforced`);
    log.step('engine', 'security', securitySummary(security));
    const maps = record.idMappings;
    const extraMounts = await prepareMounts(deps, record, p.rootfs, maps && { uid: hostId(maps, 'uid', 0), gid: hostId(maps, 'gid', 0) });
    const spec = buildSpec({
      config: record.config, hostConfig: record.hostConfig, argv: [record.path, ...record.args], user, rootfs: p.rootfs, etcFiles,
      cgroupsPath: `${record.limits.cgroupParent}/${record.id}`, limits: record.limits, consoleSize: opts.consoleSize,
      extraMounts, networkNamespace: early ? netnsPinPath(layout, record.id) : networkNamespacePath(deps, record), security, namespaceFacts,
    });
    if (record.idMappings) {
      const sources = (spec.mounts ?? []).filter((m) => m.type === 'bind' && m.source).map((m) => m.source!);
      openPathsForUserns([p.rootfs, ...sources], [layout.root]);
    }
    writeJsonAtomic(path.join(p.dir, 'config.json'), spec, { durable: false }); // regenerated on every start
    log.step('engine', 'bundle-write', { path: path.join(p.dir, 'config.json'), rootfs: p.rootfs });
    const started: StartedRecord = { startedAt: new Date().toISOString(), restartCount: opts.restartCount ?? 0 };
    writeJsonAtomic(p.startedFile, started, { durable: false }); // lost in a crash, the container just looks never started
    removeFileIfExists(p.manualStopFile);
    fs.mkdirSync(path.dirname(p.attachSocket), { recursive: true, mode: 0o700 });
    const rotation = logRotation(record.hostConfig.LogConfig);
    const monitor = {
      exitFile: p.exitFile, attachSocket: p.attachSocket, tty: record.config.Tty, openStdin: record.config.OpenStdin,
      // --log-driver none: no log file at all (docker's `logs` then refuses to read)
      ...(record.hostConfig.LogConfig.Type === 'none' ? {} : { logFile: p.logFile }),
      logMaxSize: rotation.maxSize, logMaxFiles: rotation.maxFiles,
      exitCommand: exitCommand(deps, record.id),
      health: healthMonitorOptions(deps, record),
    };
    const beforeGo = async (state: RuntimeState) => {
      if (early) {
        await early;
        adoptAttachment(deps, record, state);
      } else {
        undo.push('disconnect networks', () => disconnectContainer(deps, record));
        await connectContainer(deps, record, state);
      }
      await opts.beforeGo?.(state);
    };
    // --runtime runc/crun: the installed runtime creates and starts it from the same bundle
    const oci = ociBinaryFor(layout, record.hostConfig.Runtime);
    const state = oci
      ? await startWithOciBinary(oci, {
        id: record.id, bundleDir: p.dir, stateDir: p.stateDir, cgroupsPath: spec.linux?.cgroupsPath ?? `${record.limits.cgroupParent}/${record.id}`,
        rootfs: p.rootfs, log, monitor, terminal: record.config.Tty, beforeGo,
      })
      : await startMonitored({
        id: record.id, root: layout.runtimeDir, bundleDir: p.dir, log, seccompCacheDir: layout.seccompCacheDir,
        pruneCgroupParent: record.limits.cgroupParent === '/mydocker', monitor, beforeGo,
      });
    event(deps, record, 'start');
    return state;
  });
}
