// docker's --filter key=value, in one place for every front and every object: repeated keys are
// OR'ed, different keys AND'ed, except label, where every one given must match (docker's
// MatchKVList: compose lists a service's containers with project, service and oneoff labels);
// label=KEY or label=KEY=VALUE means the same everywhere.
import { InvalidArgumentError } from '../errors/errors';
import type { NetworkSummary } from '../network/networks';
import type { EngineEvent } from './events';

export function parseFilters(filters: string[], allowed: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    if (eq < 0 || !allowed.includes(key)) throw new InvalidArgumentError(`invalid filter '${f}'`, { hint: `filters: ${allowed.join(', ')}` });
    out.set(key, [...(out.get(key) ?? []), f.slice(eq + 1)]);
  }
  return out;
}

/** label=KEY (present) or label=KEY=VALUE (equal). */
export function matchesLabel(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf('=');
  const key = eq < 0 ? filter : filter.slice(0, eq);
  return key in labels && (eq < 0 || labels[key] === filter.slice(eq + 1));
}

/** Every key matched by at least one of its values (labels: by all of them). */
export function matchesAll(filters: Map<string, string[]>, test: (key: string, value: string) => boolean): boolean {
  for (const [key, values] of filters) {
    const matched = key === 'label' ? values.every((v) => test(key, v)) : values.some((v) => test(key, v));
    if (!matched) return false;
  }
  return true;
}

const PREFIX_EVENTS = ['health_status', 'exec_create', 'exec_start'];

export const EVENT_FILTERS = ['type', 'event', 'container', 'image', 'label', 'network', 'volume'];

export function matchesEvent(e: EngineEvent, filters: Map<string, string[]>): boolean {
  return matchesAll(filters, (key, v) => {
    switch (key) {
      case 'type': return e.type === v;
      // docker (#25798): health_status, exec_create and exec_start also match their "X: detail" actions
      case 'event': return e.action === v || (PREFIX_EVENTS.includes(v) && e.action.startsWith(`${v}:`));
      case 'container': return e.type === 'container' && (e.id.startsWith(v) || e.attributes.name === v);
      case 'network': return e.type === 'network' && (e.id.startsWith(v) || e.attributes.name === v);
      case 'volume': return e.type === 'volume' && (e.id === v || e.attributes.name === v);
      case 'image': return e.attributes.image === v;
      case 'label': return matchesLabel(e.attributes, v);
      default: return false;
    }
  });
}

export const NETWORK_FILTERS = ['name', 'id', 'driver', 'type', 'label', 'scope'];
const BUILTIN_NETWORKS = ['bridge', 'host', 'none'];

export function matchesNetwork(n: NetworkSummary, filters: Map<string, string[]>): boolean {
  return matchesAll(filters, (key, v) => {
    switch (key) {
      case 'name': return n.Name.includes(v);
      case 'id': return n.ID.startsWith(v);
      case 'driver': return n.Driver === v;
      case 'scope': return n.Scope === v;
      case 'type': return v === 'builtin' ? BUILTIN_NETWORKS.includes(n.Name) : v === 'custom' && !BUILTIN_NETWORKS.includes(n.Name);
      case 'label': return matchesLabel(n.Labels, v);
      default: return false;
    }
  });
}
