// A running container's networking, as facts under the runroot (<runroot>/networks/containers/<id>.json):
// its pinned network namespace and, per network, the exact configuration list and capability arguments
// given to ADD and the result it returned — everything DEL needs, even after a crash, even if the network's
// file changed since. Written before each ADD (so a crash mid-ADD is still torn down) and after it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Layout } from '../store/layout';
import { MS } from '../sys/linux-constants';
import { MNT_DETACH, sys } from '../sys/native';
import type { CniResult, NetworkConfigList } from './cni/types';
import { parseCidr, formatIPv4 } from './ipv4';
import { canonicalIPv6, formatIPv6, parseCidr6 } from './ipv6';
import { networkPaths } from './store';

export interface AttachedNetwork {
  name: string;
  networkId: string;
  ifname: string;
  /** The list as executed (host-local's dataDir filled in). */
  list: NetworkConfigList;
  capabilityArgs: Record<string, unknown>;
  /** Absent until ADD succeeded. */
  result?: CniResult;
  aliases: string[];
  /** User-defined network: its containers find each other by name (docker's default bridge does not). */
  resolvesNames: boolean;
}

export interface Attachment {
  schemaVersion: 1;
  containerId: string;
  containerName: string;
  hostname: string;
  /** The container's init when it was connected: a dead init means the attachment is stale. */
  pid: number;
  pidStartTime: string;
  /** The bind mount holding the network namespace (CNI_NETNS). */
  netns: string;
  hostsFile: string;
  /** --add-host entries, resolved (host-gateway → the gateway). */
  extraHosts: { ip: string; names: string[] }[];
  networks: AttachedNetwork[];
}

export function attachmentFile(layout: Layout, id: string): string {
  return path.join(networkPaths(layout).attachDir, `${id}.json`);
}

export function loadAttachment(layout: Layout, id: string): Attachment | undefined {
  try {
    return readJsonIfExists<Attachment>(attachmentFile(layout, id));
  } catch {
    return undefined; // a torn file from a crash: nothing usable in it
  }
}

export function saveAttachment(layout: Layout, att: Attachment): void {
  const file = attachmentFile(layout, att.containerId);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeJsonAtomic(file, att, { durable: false }); // runtime state: a reboot ends it anyway
}

export function removeAttachmentFile(layout: Layout, id: string): void {
  fs.rmSync(attachmentFile(layout, id), { force: true });
}

export function listAttachments(layout: Layout): Attachment[] {
  const dir = networkPaths(layout).attachDir;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Attachment[] = [];
  for (const n of names) {
    if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
    const a = loadAttachment(layout, n.slice(0, -5));
    if (a) out.push(a);
  }
  return out;
}

export function netnsPinPath(layout: Layout, id: string): string {
  return path.join(networkPaths(layout).netnsDir, id);
}

/** Keeps the init's network namespace alive on a file until unpinned, so DEL finds it after the container died. */
export function pinNetns(pid: number, file: string): void {
  const source = `/proc/${pid}/ns/net`;
  if (isPinned(file)) {
    const [a, b] = [fs.statSync(file), fs.statSync(source)];
    if (a.ino === b.ino && a.dev === b.dev) return;
    unpinNetns(file); // a namespace of an earlier run of the container
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o400));
  sys().mount(source, file, null, MS.BIND, null);
}

/** A new network namespace pinned at file before any process lives in it (native/src/addon-netns.c). */
export function newPinnedNetns(file: string): void {
  unpinNetns(file); // a namespace of an earlier run of the container
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o400));
  try {
    sys().newNetns(file);
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
}

export function isPinned(file: string): boolean {
  try {
    return fs.statSync(file).dev !== fs.statSync(path.dirname(file)).dev;
  } catch {
    return false;
  }
}

export function unpinNetns(file: string): void {
  if (isPinned(file)) sys().umount2(file, MNT_DETACH);
  fs.rmSync(file, { force: true });
}

/** The address (without prefix) of an attached network, from its ADD result. */
export function addressOf(n: AttachedNetwork): { ip: string; prefix: number; gateway: string; mac: string } | undefined {
  const ipc = n.result?.ips?.find((i) => parseCidr(i.address) !== undefined);
  if (!ipc) return undefined;
  const c = parseCidr(ipc.address)!;
  const iface = ipc.interface !== undefined ? n.result?.interfaces?.[ipc.interface] : n.result?.interfaces?.find((i) => i.sandbox);
  return { ip: formatIPv4(c.address), prefix: c.prefix, gateway: ipc.gateway ?? '', mac: iface?.mac ?? '' };
}

/** The IPv6 address of an attached network (a dual-stack one), from its ADD result. */
export function addressOf6(n: AttachedNetwork): { ip: string; prefix: number; gateway: string } | undefined {
  for (const ipc of n.result?.ips ?? []) {
    const c = parseCidr6(ipc.address);
    if (c) return { ip: formatIPv6(c.address), prefix: c.prefix, gateway: ipc.gateway ? canonicalIPv6(ipc.gateway) ?? ipc.gateway : '' };
  }
  return undefined;
}

/** The names another container on a shared user network resolves this one by: name, aliases, short id. */
export function namesOf(att: Attachment, n: AttachedNetwork): string[] {
  return [...new Set([att.containerName, ...n.aliases, att.containerId.slice(0, 12)])];
}
