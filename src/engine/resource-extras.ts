// The resource fields of HostConfig added for docker's --memory-swappiness, --cpu-rt-period/--cpu-rt-runtime
// and the per-device blkio flags, in docker's Engine API names: how the spec's fields become flags
// (specToRunOptions) and how resolved limits show in inspect (hostConfigFor).
import type { Resources } from '../runtime/spec';
import { blockDeviceFlagsOf, blockDeviceHostConfig, type ThrottleDevice, type WeightDevice } from './block-devices';
import type { ResourceFlags } from './resources';

/** As the Engine API's create body has them (null: not given). */
export interface SpecResourceExtras {
  MemorySwappiness?: number | null;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  BlkioWeightDevice?: WeightDevice[] | null;
  BlkioDeviceReadBps?: ThrottleDevice[] | null;
  BlkioDeviceWriteBps?: ThrottleDevice[] | null;
  BlkioDeviceReadIOps?: ThrottleDevice[] | null;
  BlkioDeviceWriteIOps?: ThrottleDevice[] | null;
}

/** As inspect shows them (optional: records made before these flags lack them). */
export interface ResourceExtrasHostConfig {
  MemorySwappiness?: number | null;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  BlkioWeightDevice?: WeightDevice[];
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
}

/** The spec's fields as the flag texts the validators take. */
export function resourceExtrasFlags(h: SpecResourceExtras): Partial<ResourceFlags> {
  return {
    ...(h.MemorySwappiness !== undefined && h.MemorySwappiness !== null && h.MemorySwappiness !== -1 ? { memorySwappiness: String(h.MemorySwappiness) } : {}),
    ...(h.CpuRealtimePeriod ? { cpuRtPeriod: String(h.CpuRealtimePeriod) } : {}),
    ...(h.CpuRealtimeRuntime ? { cpuRtRuntime: String(h.CpuRealtimeRuntime) } : {}),
    ...blockDeviceFlagsOf(h),
  };
}

/** HostConfig as docker shows it: the swappiness kept (null when unset or discarded), the device lists as given. */
export function resourceExtrasHostConfig(flags: ResourceFlags, r: Resources): Required<ResourceExtrasHostConfig> {
  return {
    MemorySwappiness: r.memory?.swappiness ?? null,
    CpuRealtimePeriod: r.cpu?.realtimePeriod ?? 0,
    CpuRealtimeRuntime: r.cpu?.realtimeRuntime ?? 0,
    ...blockDeviceHostConfig({ ...flags, ...(r.blockIO?.weightDevice ? {} : { blkioWeightDevice: [] }) }),
  };
}
