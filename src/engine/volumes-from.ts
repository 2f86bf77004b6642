// --volumes-from CONTAINER[:ro|rw] (docker's HostConfig.VolumesFrom): the volumes and binds of another
// container (running or not), at the same paths, resolved at create. The container's own -v/--mount win
// over a copied mount at the same destination; :ro/:rw override the mode, otherwise each keeps its own.
import { InvalidArgumentError } from '../errors/errors';
import type { MountPoint } from './container-mounts';
import type { ContainerRecord } from './container-store';
import { byMountOrder } from '../volume/mount-spec';

export interface VolumesFromSpec {
  container: string;
  mode?: 'ro' | 'rw';
}

export function parseVolumesFrom(text: string): VolumesFromSpec {
  const m = /^([^:]+)(?::(.*))?$/.exec(text);
  if (!m || m[1] === '') throw new InvalidArgumentError(`invalid value "${text}" for --volumes-from: expected CONTAINER[:ro|rw]`);
  if (m[2] === undefined) return { container: m[1] };
  // docker also takes the "z"/"Z" relabel letters; they mean nothing without SELinux
  const opts = m[2].split(',').filter((o) => o !== 'z' && o !== 'Z');
  if (opts.length > 1 || (opts.length === 1 && opts[0] !== 'ro' && opts[0] !== 'rw')) {
    throw new InvalidArgumentError(`invalid value "${text}" for --volumes-from: invalid mode "${m[2]}" (use ro or rw)`);
  }
  return opts.length ? { container: m[1], mode: opts[0] as 'ro' | 'rw' } : { container: m[1] };
}

/**
 * The mounts of `own` plus those copied from the given containers (tmpfs mounts are the donor's alone, as in
 * docker). A copied volume is never seeded again and never removed with this container's anonymous volumes.
 */
export function mergeVolumesFrom(own: MountPoint[], specs: readonly VolumesFromSpec[], resolve: (ref: string) => ContainerRecord): MountPoint[] {
  const out = [...own];
  const taken = new Set(own.map((m) => m.Destination));
  for (const spec of specs) {
    const donor = resolve(spec.container);
    for (const mp of donor.mounts ?? []) {
      if (mp.Type === 'tmpfs' || taken.has(mp.Destination)) continue;
      taken.add(mp.Destination);
      const rw = spec.mode ? spec.mode === 'rw' : mp.RW;
      const mode = mp.Mode.split(',').filter((o) => o !== 'ro' && o !== 'rw' && o !== '');
      out.push({
        ...mp, RW: rw, Mode: [...mode, ...(spec.mode ? [spec.mode] : [])].join(','), NoCopy: true, Anonymous: undefined,
        CreateHostPath: undefined,
      });
    }
  }
  return out.map((m) => JSON.parse(JSON.stringify(m)) as MountPoint).sort(byMountOrder);
}
