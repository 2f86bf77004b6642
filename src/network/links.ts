// Legacy links (--link NAME[:ALIAS], docker's HostConfig.Links): at create the other container is found and
// kept by id; at every start its address on the linking container's network becomes an /etc/hosts line
// "IP ALIAS HOSTNAME NAME", as docker writes it. The environment variables docker also sets are left out.
import { FailedPreconditionError, InvalidArgumentError } from '../errors/errors';
import type { HostsEntry } from './etc-files';

export interface LinkRequest {
  /** The linked container's id. */
  container: string;
  alias: string;
}

export interface ParsedLink {
  target: string;
  alias: string;
}

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** NAME[:ALIAS]; a leading "/" (docker's own form of names) is dropped. */
export function parseLink(text: string): ParsedLink {
  const [target, alias, ...rest] = text.split(':');
  const fail = (why: string) => new InvalidArgumentError(`invalid value "${text}" for --link: ${why}`, { hint: 'use NAME[:ALIAS]' });
  if (rest.length || !target || !NAME.test(target)) throw fail('invalid container name');
  if (alias !== undefined && !NAME.test(alias)) throw fail('invalid alias');
  const clean = (s: string) => s.replace(/^\//, '');
  return { target: clean(target), alias: clean(alias ?? target) };
}

/** What inspect shows in HostConfig.Links: "/db:/web/alias". */
export function linkDisplay(targetName: string, ownName: string, alias: string): string {
  return `/${targetName}:/${ownName}/${alias}`;
}

/** What a start needs of a linked container: its name, hostname and address on the shared network. */
export interface LinkedContainer {
  name: string;
  hostname: string;
  /** undefined: not running, or not on the network. */
  ip?: string;
  running: boolean;
}

/** The /etc/hosts lines of the links; throws as docker does when a linked container cannot be reached. */
export function linkHosts(links: readonly LinkRequest[], ownName: string, network: string, lookup: (id: string) => LinkedContainer | undefined): HostsEntry[] {
  return links.map((l) => {
    const c = lookup(l.container);
    if (!c) throw new FailedPreconditionError(`could not get container for link ${l.alias}: the linked container ${l.container.slice(0, 12)} is gone`);
    if (!c.running) throw new FailedPreconditionError(`cannot link to a non running container: /${c.name} AS /${ownName}/${l.alias}`);
    if (!c.ip) throw new FailedPreconditionError(`cannot link to /${c.name}, as it does not belong to the network ${network}`);
    const names = [l.alias, c.hostname, ...(c.name !== l.alias ? [c.name] : [])];
    return { ip: c.ip, names: [...new Set(names)] };
  });
}
