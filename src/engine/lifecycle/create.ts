// docker create: the container's record and name, nothing running yet. Validation happens
// before anything is written; a failure leaves no record and no name behind.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { UndoStack } from '../../store/undo';
import { buildContainerConfig, resolveEnvEntry, validateRunOptions, type RunOptions } from '../container-config';
import { newContainerId, randomName, type ContainerRecord } from '../container-store';
import { readHostLimits } from '../host-limits';
import { resolveResources } from '../resources';
import { heldCapabilities, ownOomScoreAdj, resolveSecurityFlags } from '../security/container-security';
import { allocateRange, readAutoPool, type IdMappings, type UsernsRequest } from '../security/userns';
import { withLock } from '../../store/lock';
import { event, lockContainer, store, type EngineDeps } from './context';
import { resolveMounts } from '../container-mounts';
import { validateNetworkOptions } from '../container-network';
import { validateExtras } from '../host-extras';
import { checkNamespaceTargets } from '../namespace-joins';
import { parseNamespaceMode } from '../namespace-modes';
import { mergeVolumesFrom, parseVolumesFrom } from '../volumes-from';
import { linkDisplay } from '../../network/links';
import { buildSettings, networkConfigOf } from '../network-record';

export const DEFAULT_IMAGE = 'busybox';

/** Entries as the front resolved them (files read, bare names looked up by the caller): checked, bare names dropped. */
function userEnv(opts: RunOptions): string[] {
  return opts.env.map((e) => resolveEnvEntry(e, {}, '-e')).filter((e): e is string => e !== undefined);
}

export async function createContainer(opts: RunOptions, deps: EngineDeps): Promise<ContainerRecord> {
  validateRunOptions(opts);
  validateExtras(opts);
  checkNamespaceTargets(opts, deps);
  const limits = resolveResources(opts.resources, readHostLimits());
  for (const w of limits.warnings) deps.warn?.(w);
  const env = userEnv(opts);
  const imageRef = opts.image ?? DEFAULT_IMAGE;
  const security = resolveSecurityFlags(opts.security, {
    networkMode: opts.network, heldCapabilities: heldCapabilities(), ownOomScoreAdj: ownOomScoreAdj(),
  });
  const network = await validateNetworkOptions(opts, deps);
  const image = await deps.images.resolve(imageRef);
  const containers = store(deps);
  const mounts = mergeVolumesFrom(await resolveMounts(opts, image, deps), (opts.volumesFrom ?? []).map(parseVolumesFrom), (ref) => containers.resolve(ref));
  const id = newContainerId();
  // --uts host: the host's name is the one the container sees
  const hostname = opts.hostname ?? (parseNamespaceMode('uts', opts.uts).mode === 'host' ? os.hostname() : id.slice(0, 12));
  const { config, hostConfig, argv } = buildContainerConfig(opts, { ref: imageRef, config: image.config }, hostname, env, limits, security.hostConfig);
  const record: ContainerRecord = {
    schemaVersion: 1, id, name: opts.name ?? randomName(), created: new Date().toISOString(), path: argv[0], args: argv.slice(1),
    image: imageRef, imageId: image.id, config, hostConfig: { ...hostConfig, PortBindings: network.ports }, lowerDirs: image.layerDirs, limits, mounts,
    network,
  };
  // What inspect shows before the first start; a start without CNI networks then has nothing to rewrite.
  record.networkSettings = buildSettings(networkConfigOf(record), undefined, [], id);
  if (network.links?.length) {
    record.hostConfig.Links = network.links.map((l) => linkDisplay(containers.load(l.container)?.name ?? l.container, record.name, l.alias));
  }
  // Automatic id ranges are handed out under one lock, so two creates never get the same range.
  return withIdMappings(deps, security.userns, record, () => lockContainer(deps, id, () =>
    UndoStack.run(async (undo) => {
      const dir = containers.create(record);
      undo.push('remove container directory', () => fs.rmSync(dir, { recursive: true, force: true }));
      deps.log.step('engine', 'container-create', { id, name: record.name, image: imageRef });
      let nameFile: string;
      try {
        nameFile = containers.reserveName(record.name, id);
      } catch (err) {
        if (opts.name !== undefined) throw err; // an explicit --name conflict is the user's to solve
        record.name = `${randomName()}_${id.slice(0, 4)}`;
        containers.update(id, (r) => (r.name = record.name));
        nameFile = containers.reserveName(record.name, id);
      }
      undo.push('release name', () => containers.releaseName(record.name, id));
      deps.log.step('engine', 'name-reserve', { name: record.name, path: nameFile });
      event(deps, record, 'create');
      return record;
    }),
  ));
}

async function withIdMappings<T>(deps: EngineDeps, req: UsernsRequest, record: ContainerRecord, fn: () => Promise<T>): Promise<T> {
  if (req.mode === 'host') return fn();
  if (req.mode === 'private') {
    record.idMappings = req.maps;
    return fn();
  }
  return withLock(deps.layout, 'userns-auto', () => {
    const { pool, reserved } = readAutoPool();
    const taken = store(deps).list().flatMap((r) => (r.idMappings ? [...r.idMappings.uid, ...r.idMappings.gid] : []))
      .map((m) => ({ start: m.hostID, size: m.size }));
    const start = allocateRange(req.size, pool, [...taken, ...reserved]);
    const maps: IdMappings = { uid: [{ containerID: 0, hostID: start, size: req.size }], gid: [{ containerID: 0, hostID: start, size: req.size }] };
    record.idMappings = maps;
    deps.log.step('engine', 'userns-allocate', { start, size: req.size });
    return fn();
  });
}
