// docker's `filters` query argument: a JSON map from key to values, {"status":["running"]}, or the
// older form {"status":{"running":true}}. Turned into the engine's "key=value" lists.
import { InvalidArgumentError } from '../errors/errors';

export type Filters = Map<string, string[]>;

export function parseFilters(text: string | null | undefined): Filters {
  const out: Filters = new Map();
  if (!text) return out;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid filter: ${(err as Error).message}`);
  }
  if (doc === null) return out;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidArgumentError('invalid filter: expected a JSON object');
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (value && typeof value === 'object') values = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([v]) => v);
    else throw new InvalidArgumentError(`invalid filter '${key}': expected a list of values`);
    out.set(key, values);
  }
  return out;
}

/** The filters as "key=value" strings, refusing keys outside `allowed` with docker's message. */
export function filterList(filters: Filters, allowed: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, values] of filters) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    for (const v of values) out.push(`${key}=${v}`);
  }
  return out;
}

export function filterValues(filters: Filters, key: string): string[] {
  return filters.get(key) ?? [];
}
