// What `info` says in rootless mode: which pieces carry the engine where root's would (docker's
// SecurityOptions gain "name=rootless"; the pieces are a mydocker extension, Rootless).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectHostCgroups } from '../cgroups/hierarchy';
import { defaultUserNetwork, hasCommand } from '../network/pasta';
import { inUserNamespace, PAUSE_PID_FILE } from '../sys/rootless';
import { overlayKind } from '../storage/overlay';

export interface RootlessInfo {
  /** "0:1001:1 1:100000:65536": inside id, host id, count. */
  IdMaps: string;
  Network: string;
  Storage: string;
  Cgroups: string;
  PauseProcess: number | null;
}

function readMap(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).join(':')).join(' ');
  } catch {
    return '';
  }
}

export function rootlessInfo(runroot: string): RootlessInfo | undefined {
  if (!inUserNamespace()) return undefined;
  let pause: number | null = null;
  try {
    pause = Number(fs.readFileSync(path.join(runroot, PAUSE_PID_FILE), 'utf8').trim()) || null;
  } catch {
    pause = null;
  }
  return {
    IdMaps: readMap('/proc/self/uid_map'),
    Network: hasCommand('pasta') || hasCommand('slirp4netns')
      ? `${defaultUserNetwork()} (default; also ${['pasta', 'slirp4netns'].filter((n) => n !== defaultUserNetwork() && hasCommand(n)).concat(['host', 'none', 'container:NAME']).join(', ')})`
      : 'none: neither pasta nor slirp4netns is installed (host, none, container:NAME work)',
    Storage: overlayKind(),
    Cgroups: detectHostCgroups().unusable ?? 'delegated',
    PauseProcess: pause,
  };
}
