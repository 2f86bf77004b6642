// The plumbing of docker's --init, --pid/--ipc/--uts/--cgroupns, --shm-size, --volumes-from, --link,
// --domainname, --dns-option, --mac-address and --annotation between the layers: the create body
// (Config/HostConfig) → RunOptions → the record's HostConfig, and the checks that need nothing but the
// flags. The namespace modes themselves: namespace-modes.ts; links and MACs: src/network/.
import { InvalidArgumentError } from '../errors/errors';
import type { RunOptions } from './container-config';
import type { SpecConfig, SpecHostConfig } from './container-spec';
import { namespaceHostConfig, validateNamespaceFlags, type NamespaceHostConfig } from './namespace-modes';
import { parseVolumesFrom } from './volumes-from';

export interface ExtraHostConfig extends NamespaceHostConfig {
  VolumesFrom?: string[] | null;
  /** docker's form: "/db:/web/alias". */
  Links?: string[] | null;
  DnsOptions?: string[];
  Annotations?: Record<string, string>;
}

type Extras = Pick<RunOptions, 'init' | 'pid' | 'ipc' | 'uts' | 'cgroupns' | 'shmSize' | 'volumesFrom' | 'links' | 'domainname' | 'dnsOptions' | 'macAddress' | 'annotations'>;

const nonEmpty = <T>(v: T[] | null | undefined): T[] | undefined => (v?.length ? [...v] : undefined);

/** The create body's fields onto RunOptions (absent and docker's zero values mean "not given"). */
export function extrasFromSpec(c: SpecConfig, h: SpecHostConfig, endpointMac: string | undefined): Partial<Extras> {
  const out: Partial<Extras> = {};
  if (h.Init) out.init = true;
  if (h.PidMode) out.pid = h.PidMode;
  if (h.IpcMode) out.ipc = h.IpcMode;
  if (h.UTSMode) out.uts = h.UTSMode;
  if (h.CgroupnsMode) out.cgroupns = h.CgroupnsMode;
  if (h.ShmSize) out.shmSize = h.ShmSize;
  const from = nonEmpty(h.VolumesFrom);
  if (from) out.volumesFrom = from;
  const links = nonEmpty(h.Links);
  if (links) out.links = links;
  if (c.Domainname) out.domainname = c.Domainname;
  const dnsOptions = nonEmpty(h.DnsOptions);
  if (dnsOptions) out.dnsOptions = dnsOptions;
  const mac = endpointMac || c.MacAddress;
  if (mac) out.macAddress = mac;
  if (h.Annotations && Object.keys(h.Annotations).length) out.annotations = { ...h.Annotations };
  return out;
}

/** What the record's HostConfig shows (Links are filled in by create, which knows the names). */
export function extraHostConfig(opts: Extras): ExtraHostConfig {
  return {
    ...namespaceHostConfig(opts),
    VolumesFrom: opts.volumesFrom?.length ? [...opts.volumesFrom] : null,
    Links: null,
    DnsOptions: [...(opts.dnsOptions ?? [])],
    ...(opts.annotations && Object.keys(opts.annotations).length ? { Annotations: { ...opts.annotations } } : {}),
  };
}

const LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** docker's CLI: --annotation KEY=VALUE (a bare KEY is an empty value). */
export function parseAnnotations(values: readonly string[]): Record<string, string> | null {
  if (!values.length) return null;
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const key = eq < 0 ? v : v.slice(0, eq);
    if (!key) throw new InvalidArgumentError(`invalid value "${v}" for --annotation: the key is empty`);
    out[key] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

/** Checks that need nothing but the flags; namespace combinations as docker refuses them. */
export function validateExtras(opts: RunOptions): void {
  const s = opts.security;
  validateNamespaceFlags(opts, {
    hostname: opts.hostname, domainname: opts.domainname,
    ownUserns: (s.userns !== undefined && s.userns !== 'host' && s.userns !== '') || s.uidmaps.length > 0 || s.gidmaps.length > 0,
  });
  if (opts.domainname !== undefined && opts.domainname !== '') {
    if (opts.domainname.length > 255 || !opts.domainname.split('.').every((l) => LABEL.test(l))) {
      throw new InvalidArgumentError(`invalid value "${opts.domainname}" for --domainname: not a domain name`);
    }
  }
  for (const o of opts.dnsOptions ?? []) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$/.test(o)) throw new InvalidArgumentError(`invalid value "${o}" for --dns-option: expected a resolver option like ndots:2`);
  }
  (opts.volumesFrom ?? []).forEach(parseVolumesFrom);
  for (const key of Object.keys(opts.annotations ?? {})) {
    if (key === '') throw new InvalidArgumentError('invalid annotation: the key is empty');
  }
}
