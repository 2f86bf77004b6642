// docker images --filter (and the API's filters for GET /images/json): dangling, label, reference,
// before, since, until, in the grammar of src/engine/filters.ts. A reference filter also narrows an
// image's tags to the matching ones, as docker lists only those rows.
import { InvalidArgumentError } from '../errors/errors';
import type { ImageRecord } from '../image/store';
import { matchesLabel, parseFilters } from './filters';
import { parseTimeArg } from './lifecycle/logs';

export const IMAGE_FILTERS = ['dangling', 'label', 'reference', 'before', 'since', 'until'];

/** Go's path.Match over a familiar reference: `*` and `?` stay within a path component, `[…]` is a class. */
export function referencePattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgumentError(`invalid reference filter ${JSON.stringify(pattern)}: syntax error in pattern`);
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** "name:tag" matches by itself or by its name alone (docker's FamiliarMatch). */
function tagMatches(repoTag: string, patterns: RegExp[]): boolean {
  const colon = repoTag.lastIndexOf(':');
  const name = colon > repoTag.lastIndexOf('/') ? repoTag.slice(0, colon) : repoTag;
  return patterns.some((p) => p.test(repoTag) || p.test(name));
}

function boolValue(key: string, v: string): boolean {
  if (/^(true|1)$/i.test(v)) return true;
  if (/^(false|0)$/i.test(v)) return false;
  throw new InvalidArgumentError(`invalid filter '${key}=${v}'`);
}

/**
 * The images that pass every filter. `find` resolves before=/since= references; an unknown one is an
 * error (docker's "No such image").
 */
export async function filterImages(
  images: readonly ImageRecord[], filterArgs: readonly string[], find: (ref: string) => Promise<ImageRecord>,
): Promise<ImageRecord[]> {
  const filters = parseFilters([...filterArgs], IMAGE_FILTERS);
  const values = (k: string) => filters.get(k) ?? [];
  const dangling = values('dangling').map((v) => boolValue('dangling', v));
  const created = async (k: string) => Promise.all(values(k).map(async (ref) => Date.parse((await find(ref)).created)));
  const before = await created('before');
  const since = await created('since');
  const until = values('until').map((v) => Date.parse(parseTimeArg(v, 'until')));
  const refs = values('reference').map(referencePattern);
  const out: ImageRecord[] = [];
  for (const img of images) {
    const t = Date.parse(img.created);
    if (dangling.length && !dangling.some((d) => d === (img.repoTags.length === 0))) continue;
    if (!values('label').every((l) => matchesLabel(img.config.Labels ?? {}, l))) continue;
    if (before.length && !before.some((b) => t < b)) continue;
    if (since.length && !since.some((s) => t > s)) continue;
    if (until.length && !until.some((u) => t <= u)) continue;
    if (refs.length) {
      const tags = img.repoTags.filter((tag) => tagMatches(tag, refs));
      if (!tags.length) continue;
      out.push({ ...img, repoTags: tags });
      continue;
    }
    out.push(img);
  }
  return out;
}
