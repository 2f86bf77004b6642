// The facts about this host that the spec converter needs, read once per process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inUserNamespace } from '../sys/rootless';
import { detectHostCgroups } from '../cgroups/hierarchy';
import type { CgroupHierarchy, HostFacts } from './specconv';

export function readHostFacts(): HostFacts {
  const host = detectHostCgroups();
  const unifiedOnly = host.mode === 'v2';
  const hierarchies: CgroupHierarchy[] = host.hierarchies.map((h) =>
    h.version === 2
      ? { dirName: path.basename(h.mountpoint), options: '', version: 2 }
      : {
          dirName: path.basename(h.mountpoint),
          options: h.controllers.some((c) => c.startsWith('name=')) ? `none,${h.controllers.join(',')}` : h.controllers.join(','),
          version: 1,
        },
  );
  return {
    cgroupHierarchies: hierarchies,
    cgroupUnifiedOnly: unifiedOnly,
    sourceKind(source) {
      try {
        return fs.statSync(source).isDirectory() ? 'dir' : 'file';
      } catch {
        return 'missing';
      }
    },
    hasProcKcore: fs.existsSync('/proc/kcore'),
    inUserns: inUserNamespace(),
  };
}
