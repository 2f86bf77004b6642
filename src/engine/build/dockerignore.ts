// .dockerignore: one pattern a line (Go filepath.Match per path segment, `**` any number of segments), `#` comments,
// `!pattern` re-includes; the last matching pattern decides. Paths are relative to the context, cleaned.
import * as path from 'node:path';

export interface IgnoreRule { negate: boolean; re: RegExp }

function segmentRe(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < seg.length) out += `\\${seg[++i]}`;
    else out += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return out;
}

/** A glob over a slash path: segments matched separately, `**` spans any number of segments. */
export function globRegExp(pattern: string, prefixMatch = false): RegExp {
  const segs = pattern.split('/').filter((s) => s !== '');
  let re = '';
  let needSlash = false;
  segs.forEach((seg, idx) => {
    if (seg === '**') {
      if (idx === segs.length - 1) re += needSlash ? '(?:/.*)?' : '.*';
      else re += needSlash ? '(?:/[^/]+)*/' : '(?:[^/]+/)*';
      needSlash = false;
      return;
    }
    re += (needSlash ? '/' : '') + segmentRe(seg);
    needSlash = true;
  });
  // a pattern naming a directory excludes everything under it
  return new RegExp(`^${re}${prefixMatch ? '(?:/.*)?' : ''}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split('\n')) {
    line = line.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    let p = path.posix.normalize(line).replace(/^\/+/, '');
    if (p === '.' || p === '') p = '';
    rules.push({ negate, re: p === '' ? /^.*$/ : globRegExp(p, true) });
  }
  return rules;
}

export function isIgnored(rel: string, rules: readonly IgnoreRule[]): boolean {
  let ignored = false;
  for (const r of rules) if (r.re.test(rel)) ignored = !r.negate;
  return ignored;
}
