// The host facts that resource flags are checked against, read from /proc and /sys.
import * as fs from 'node:fs';
import { detectHostCgroups } from '../cgroups/hierarchy';
import type { HostLimits } from './resources';
import { statBlockDevice } from './block-devices';
import type { HostCgroups } from '../cgroups/hierarchy';
import { parseCpuList } from './resources';

function readList(file: string, fallback: string): number[] {
  try {
    return parseCpuList(fs.readFileSync(file, 'utf8').trim() || fallback, file);
  } catch {
    return parseCpuList(fallback, file);
  }
}

/** "Max open files  1024  20000  files" → nofile: 20000n. */
export function parseProcLimits(text: string): Record<string, bigint | undefined> {
  const names: Record<string, string> = {
    'Max cpu time': 'cpu', 'Max file size': 'fsize', 'Max data size': 'data', 'Max stack size': 'stack',
    'Max core file size': 'core', 'Max resident set': 'rss', 'Max processes': 'nproc', 'Max open files': 'nofile',
    'Max locked memory': 'memlock', 'Max address space': 'as', 'Max file locks': 'locks', 'Max pending signals': 'sigpending',
    'Max msgqueue size': 'msgqueue', 'Max nice priority': 'nice', 'Max realtime priority': 'rtprio', 'Max realtime timeout': 'rttime',
  };
  const out: Record<string, bigint | undefined> = {};
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m && names[m[1]]) out[names[m[1]]] = m[3] === 'unlimited' ? undefined : BigInt(m[3]);
  }
  return out;
}

export function readHostLimits(): HostLimits {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const capEff = BigInt('0x' + (/^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'));
  const host = detectHostCgroups();
  const memory = host.hierarchies.find((h) => h.version === 1 && h.controllers.includes('memory'));
  const swapAccounting = memory
    ? fs.existsSync(`${memory.mountpoint}/memory.memsw.limit_in_bytes`)
    : host.hierarchies.some((h) => h.version === 2 && h.controllers.includes('memory'));
  return {
    cpus: readList('/sys/devices/system/cpu/online', '0'),
    mems: readList('/sys/devices/system/node/online', '0'),
    hardRlimits: parseProcLimits(fs.readFileSync('/proc/self/limits', 'utf8')),
    canRaiseRlimits: ((capEff >> 24n) & 1n) === 1n,
    swapAccounting,
    ...cgroupFileFacts(host),
    ...(host.unusable ? { noCgroups: host.unusable } : {}),
    blockDevice: statBlockDevice,
  };
}

/** Which optional cgroup files this host's kernel has (docker's sysinfo checks, read at the v1 hierarchy roots). */
function cgroupFileFacts(host: HostCgroups): Pick<HostLimits, 'memorySwappiness' | 'cpuRealtime' | 'blkioWeightDevice'> {
  const root = (controller: string) => host.hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller))?.mountpoint;
  const has = (controller: string, ...files: string[]) => {
    const dir = root(controller);
    return dir !== undefined && files.some((f) => fs.existsSync(`${dir}/${f}`));
  };
  const v2 = host.hierarchies.find((h) => h.version === 2);
  // BFQ's per-device weight file exists in child cgroups only, never at the root: its policy file there says BFQ is in.
  const blkioWeightDevice = root('blkio') !== undefined
    ? has('blkio', 'blkio.weight_device', 'blkio.bfq.weight_device', 'blkio.bfq.io_service_bytes')
    : !!v2 && v2.controllers.includes('io');
  return { memorySwappiness: has('memory', 'memory.swappiness'), cpuRealtime: has('cpu', 'cpu.rt_runtime_us'), blkioWeightDevice };
}
