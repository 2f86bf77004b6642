// Name resolution between containers without a DNS server: every container on a user-defined network gets
// the others' addresses in its /etc/hosts (name, network aliases, short id), and every connect or disconnect
// rewrites the hosts files of that network's members in place (the files are bind-mounted: same inode).
// One lock for all rewrites, so a file always reflects the latest membership of every network it covers.
import { hostsContent, type HostsEntry, rewriteInPlace } from './etc-files';
import type { Layout } from '../store/layout';
import { withLock } from '../store/lock';
import { addressOf, addressOf6, listAttachments, namesOf, type Attachment } from './attachments';

export function hostsFor(att: Attachment, all: readonly Attachment[]): string {
  const addresses: string[] = [];
  const names: string[] = [att.containerName];
  const peers: HostsEntry[] = [];
  for (const n of att.networks) {
    const own = addressOf(n);
    if (!own) continue;
    addresses.push(own.ip);
    // a dual-stack network: the IPv6 address answers to the same names (AAAA through /etc/hosts)
    const own6 = addressOf6(n);
    if (own6) addresses.push(own6.ip);
    names.push(...n.aliases);
    if (!n.resolvesNames) continue;
    for (const other of all) {
      if (other.containerId === att.containerId) continue;
      const theirs = other.networks.find((x) => x.name === n.name);
      const addr = theirs && addressOf(theirs);
      if (theirs && addr) peers.push({ ip: addr.ip, names: namesOf(other, theirs) });
      const addr6 = theirs && addressOf6(theirs);
      if (theirs && addr6) peers.push({ ip: addr6.ip, names: namesOf(other, theirs) });
    }
  }
  return hostsContent(att.hostname, addresses, { names: [...new Set(names)], extraHosts: att.extraHosts, peers });
}

/**
 * Rewrites the hosts file of the given containers and of every member of the given networks. `gone` are
 * containers leaving: their attachment may still be on disk, but nobody should list them any more.
 */
export async function syncHosts(layout: Layout, opts: { networks: string[]; containers: string[]; gone?: string[] }): Promise<void> {
  await withLock(layout, 'network-hosts', () => {
    const gone = new Set(opts.gone ?? []);
    const all = listAttachments(layout).filter((a) => !gone.has(a.containerId)).sort((a, b) => a.containerName.localeCompare(b.containerName));
    const networks = new Set(opts.networks);
    for (const a of all) {
      const member = a.networks.some((n) => n.resolvesNames && networks.has(n.name));
      if (!member && !opts.containers.includes(a.containerId)) continue;
      try {
        rewriteInPlace(a.hostsFile, hostsFor(a, all));
      } catch {
        // the container's directory is gone (removed meanwhile): nothing to keep current
      }
    }
  });
}
