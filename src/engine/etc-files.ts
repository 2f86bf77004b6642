// /etc/hostname, /etc/hosts and /etc/resolv.conf of a container. They live in the container's
// directory and are bind-mounted in, so later rewrites (network connect) keep their inode.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EtcFiles { hostname: string; hosts: string; resolvConf: string; }

export function hostsContent(hostname: string, addresses: string[] = []): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    ...addresses.map((a) => `${a}\t${hostname}`),
  ];
  return lines.join('\n') + '\n';
}

/** The host's resolv.conf without loopback nameservers (unreachable from a container), as docker does. */
export function resolvConfContent(hostResolvConf: string): string {
  const kept = hostResolvConf
    .split('\n')
    .filter((l) => !/^\s*nameserver\s+(127\.|::1\b|0\.0\.0\.0)/.test(l))
    .filter((l) => l.trim() !== '');
  const hasNameserver = kept.some((l) => /^\s*nameserver\s/.test(l));
  if (!hasNameserver) kept.push('nameserver 8.8.8.8', 'nameserver 8.8.4.4');
  return kept.join('\n') + '\n';
}

export function writeEtcFiles(dir: string, hostname: string): EtcFiles {
  const files: EtcFiles = {
    hostname: path.join(dir, 'hostname'),
    hosts: path.join(dir, 'hosts'),
    resolvConf: path.join(dir, 'resolv.conf'),
  };
  let hostResolv = '';
  try {
    hostResolv = fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // a host without resolv.conf: the container gets docker's defaults
  }
  fs.writeFileSync(files.hostname, hostname + '\n');
  fs.writeFileSync(files.hosts, hostsContent(hostname));
  fs.writeFileSync(files.resolvConf, resolvConfContent(hostResolv));
  return files;
}
