// /etc/hostname, /etc/hosts and /etc/resolv.conf of a container. They live in the container's
// directory and are bind-mounted in, so later rewrites (network connect) keep their inode.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EtcFiles { hostname: string; hosts: string; resolvConf: string; }

/** One /etc/hosts line: an address and the names it answers to. */
export interface HostsEntry { ip: string; names: string[] }

export interface HostsExtra {
  /** More names for the container's own addresses (its name, network aliases). */
  names?: string[];
  /** --add-host entries. */
  extraHosts?: HostsEntry[];
  /** Other containers on the same user-defined networks (name resolution between containers). */
  peers?: HostsEntry[];
}

export function hostsContent(hostname: string, addresses: string[] = [], extra: HostsExtra = {}): string {
  const own = [hostname, ...(extra.names ?? []).filter((n) => n !== hostname)];
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    ...(extra.extraHosts ?? []).map((e) => `${e.ip}\t${e.names.join(' ')}`),
    ...addresses.map((a) => `${a}\t${own.join(' ')}`),
    ...(extra.peers ?? []).map((e) => `${e.ip}\t${e.names.join(' ')}`),
  ];
  return lines.join('\n') + '\n';
}

export interface ResolvOptions {
  /** --dns: replaces the host's nameservers. */
  dns?: string[];
  /** --dns-search: replaces the host's search domains ("." alone: none). */
  search?: string[];
  /** --network host: the host's loopback resolvers are reachable, keep them. */
  keepLoopback?: boolean;
  /** --dns-option: replaces the host's "options" line. */
  options?: string[];
}

/** The host's resolv.conf without loopback nameservers (unreachable from a container), as docker does. */
export function resolvConfContent(hostResolvConf: string, opts: ResolvOptions = {}): string {
  let kept = hostResolvConf.split('\n').filter((l) => l.trim() !== '');
  if (!opts.keepLoopback) kept = kept.filter((l) => !/^\s*nameserver\s+(127\.|::1\b|0\.0\.0\.0)/.test(l));
  if (opts.dns?.length) kept = [...kept.filter((l) => !/^\s*nameserver\s/.test(l)), ...opts.dns.map((d) => `nameserver ${d}`)];
  if (opts.search?.length) {
    kept = kept.filter((l) => !/^\s*(search|domain)\s/.test(l));
    const domains = opts.search.filter((d) => d !== '.');
    if (domains.length) kept.unshift(`search ${domains.join(' ')}`);
  }
  if (opts.options?.length) kept = [...kept.filter((l) => !/^\s*options\s/.test(l)), `options ${opts.options.join(' ')}`];
  const hasNameserver = kept.some((l) => /^\s*nameserver\s/.test(l));
  if (!hasNameserver) kept.push('nameserver 8.8.8.8', 'nameserver 8.8.4.4');
  return kept.join('\n') + '\n';
}

export function readHostResolvConf(): string {
  try {
    return fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return ''; // a host without resolv.conf: the container gets docker's defaults
  }
}

/**
 * Replaces a bind-mounted file's content without changing its inode: one write at offset 0, then the
 * length cut to fit (a reader never sees an empty file).
 */
export function rewriteInPlace(file: string, content: string): void {
  const data = Buffer.from(content);
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o644);
  try {
    fs.writeSync(fd, data, 0, data.length, 0);
    fs.ftruncateSync(fd, data.length);
  } finally {
    fs.closeSync(fd);
  }
}

export function etcFilePaths(dir: string): EtcFiles {
  return { hostname: path.join(dir, 'hostname'), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf') };
}

export function writeEtcFiles(dir: string, hostname: string): EtcFiles {
  const files = etcFilePaths(dir);
  fs.writeFileSync(files.hostname, hostname + '\n');
  rewriteInPlace(files.hosts, hostsContent(hostname));
  rewriteInPlace(files.resolvConf, resolvConfContent(readHostResolvConf()));
  return files;
}
