// docker's PORTS column ("0.0.0.0:8080->80/tcp"); filled once networking records port bindings.
import type { ContainerView } from '../../engine/lifecycle/context';

export function portsText(view: ContainerView): string {
  const bindings = view.record.hostConfig.PortBindings ?? {};
  return Object.entries(bindings)
    .flatMap(([port, hosts]) => (hosts ?? []).map((h) => `${h.HostIp || '0.0.0.0'}:${h.HostPort}->${port}`))
    .join(', ');
}
