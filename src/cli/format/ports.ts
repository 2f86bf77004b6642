// docker's PORTS column ("0.0.0.0:8080->80/tcp, 443/tcp"): the host ports the container got
// (-p and -P), and exposed ports left unpublished, while it runs.
import type { ContainerView } from '../../engine/lifecycle/context';

export function portsText(view: ContainerView): string {
  const running = view.derived.status === 'running' || view.derived.status === 'paused';
  const ports = running ? view.record.networkSettings?.Ports ?? {} : {};
  return Object.entries(ports)
    .flatMap(([port, hosts]) => (hosts?.length ? hosts.map((h) => `${h.HostIp || '0.0.0.0'}:${h.HostPort}->${port}`) : [port]))
    .join(', ');
}
