// docker's stats JSON from the engine's samples. The engine gives CPU as a percentage over a sampling
// interval; docker's clients compute it from two counters, (cpu delta / system delta) × online CPUs.
// The counters here are built so that formula gives back the engine's percentage: cpu time grows by
// the CPU the container used, system time by the interval × the CPU count, both monotonic over a stream.
import * as os from 'node:os';
import type { ContainerRecord } from '../../engine/container-store';

export interface StatsSampleLike {
  id: string;
  name: string;
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export interface CpuCounters {
  cpu: number;
  system: number;
}

interface CpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

function cpuStats(c: CpuCounters, ncpu: number): CpuStats {
  return {
    cpu_usage: { total_usage: c.cpu, usage_in_kernelmode: 0, usage_in_usermode: c.cpu },
    system_cpu_usage: c.system, online_cpus: ncpu, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

function networkStats(rx: number, tx: number) {
  return { rx_bytes: rx, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: tx, tx_packets: 0, tx_errors: 0, tx_dropped: 0 };
}

export function statsDocument(s: StatsSampleLike, counters: CpuCounters, previous: { read: string } | undefined, intervalMs: number) {
  const ncpu = os.cpus().length || 1;
  const pre = { ...counters };
  const wallNs = intervalMs * 1e6;
  counters.cpu = Math.round(pre.cpu + (s.cpuPercent / 100) * wallNs);
  counters.system = Math.round(pre.system + wallNs * ncpu);
  const now = new Date();
  // docker shows the host's memory when the container has no limit of its own
  const limit = s.memLimit > 0 && s.memLimit < os.totalmem() ? s.memLimit : os.totalmem();
  return {
    read: now.toISOString(),
    preread: previous?.read ?? new Date(now.getTime() - intervalMs).toISOString(),
    pids_stats: { current: s.pids },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 0, minor: 0, op: 'read', value: s.blockRead },
        { major: 0, minor: 0, op: 'write', value: s.blockWrite },
      ],
      io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null,
      io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(counters, ncpu),
    precpu_stats: cpuStats(pre, ncpu),
    memory_stats: { usage: s.memUsage, stats: {}, limit },
    name: `/${s.name}`,
    id: s.id,
    networks: { eth0: networkStats(s.netRx, s.netTx) },
  };
}

/** A stopped container's one document: docker sends zeros. */
export function zeroStats(record: ContainerRecord) {
  const zero: CpuCounters = { cpu: 0, system: 0 };
  return {
    read: '0001-01-01T00:00:00Z', preread: '0001-01-01T00:00:00Z', pids_stats: {},
    blkio_stats: {
      io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
      io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
    },
    num_procs: 0, storage_stats: {}, cpu_stats: { ...cpuStats(zero, 0), throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
    precpu_stats: cpuStats(zero, 0), memory_stats: {}, name: `/${record.name}`, id: record.id,
  };
}
