// Containers in docker's wire types: the list entry (ContainerSummary, with docker's "Up 3 minutes"
// words in Status), the inspect document, system df's entries.
import type { ContainerView } from '../../engine/lifecycle/context';
import type { ContainerInspect } from '../../engine/lifecycle/inspect';
import { statusText } from '../../format/container-status';

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface MountSummary {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}


export function portSummaries(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined): PortSummary[] {
  const out: PortSummary[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto = 'tcp'] = key.split('/');
    const PrivatePort = Number(port);
    if (!bindings?.length) {
      out.push({ PrivatePort, Type: proto });
      continue;
    }
    for (const b of bindings) {
      out.push({ ...(b.HostIp !== undefined ? { IP: b.HostIp } : {}), PrivatePort, ...(b.HostPort ? { PublicPort: Number(b.HostPort) } : {}), Type: proto });
    }
  }
  return out;
}

export function mountSummaries(view: ContainerView): MountSummary[] {
  return (view.record.mounts ?? []).map((m) => ({
    Type: m.Type, ...(m.Name !== undefined ? { Name: m.Name } : {}), Source: m.Source, Destination: m.Destination,
    ...(m.Driver !== undefined ? { Driver: m.Driver } : {}), Mode: m.Mode, RW: m.RW, Propagation: m.Propagation,
  }));
}

export function unixSeconds(rfc3339: string): number {
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** GET /containers/json: one entry. */
export function containerSummary(view: ContainerView) {
  const r = view.record;
  const running = view.derived.status === 'running' || view.derived.status === 'paused';
  return {
    Id: r.id,
    Names: [`/${r.name}`],
    Image: r.image,
    ImageID: r.imageId,
    Command: [r.path, ...r.args].join(' '),
    Created: unixSeconds(r.created),
    Ports: running ? portSummaries(r.networkSettings?.Ports) : [],
    Labels: r.config.Labels ?? {},
    State: view.derived.status,
    Status: statusText(view),
    HostConfig: { NetworkMode: r.hostConfig.NetworkMode },
    NetworkSettings: { Networks: r.networkSettings?.Networks ?? {} },
    Mounts: mountSummaries(view),
  };
}

/** system df: the writable layer (and logs); the image's layers are counted with the image. */
export function diskUsageContainer(c: { size: number }) {
  return { SizeRw: c.size, SizeRootFs: c.size };
}

/** GET /containers/{id}/json: the engine's inspect (docker's shape) with what the service adds. */
export function containerInspect(doc: ContainerInspect, execIds: string[]) {
  return { ...doc, ExecIDs: execIds.length ? execIds : null, ProcessLabel: '', AppArmorProfile: '', MountLabel: '' };
}
