// Routes of the Engine API: "/containers/:id/json" (one segment) and "/images/*name/push" (one or
// more segments: image names hold slashes), tried in declaration order; every route is served with
// and without a /vX.Y prefix, for versions MIN_API_VERSION … API_VERSION.
import { InvalidArgumentError } from '../errors/errors';

/** What docker 28 negotiates (docker version: "API version: 1.50"). */
export const API_VERSION = '1.50';
/** docker 20.10's; older clients are refused with docker's message. */
export const MIN_API_VERSION = '1.41';

export interface Match<H> {
  handler: H;
  params: Record<string, string>;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'rest'; name: string };

interface Compiled<H> {
  method: string;
  segments: Segment[];
  handler: H;
}

function compile(pattern: string): Segment[] {
  const segments = pattern.split('/').filter(Boolean).map((s): Segment => {
    if (s.startsWith(':')) return { kind: 'param', name: s.slice(1) };
    if (s.startsWith('*')) return { kind: 'rest', name: s.slice(1) };
    return { kind: 'literal', text: s };
  });
  if (segments.filter((s) => s.kind === 'rest').length > 1) throw new Error(`route ${pattern}: at most one *segment`);
  return segments;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const one = (seg: Segment, part: string): boolean => {
    if (seg.kind === 'literal') return seg.text === part;
    if (part === '') return false;
    params[seg.name] = part;
    return true;
  };
  const restAt = segments.findIndex((s) => s.kind === 'rest');
  if (restAt < 0) {
    if (segments.length !== parts.length) return undefined;
    return segments.every((s, i) => one(s, parts[i])) ? params : undefined;
  }
  const after = segments.length - restAt - 1;
  if (parts.length < segments.length) return undefined;
  for (let i = 0; i < restAt; i++) if (!one(segments[i], parts[i])) return undefined;
  for (let i = 0; i < after; i++) if (!one(segments[restAt + 1 + i], parts[parts.length - after + i])) return undefined;
  const middle = parts.slice(restAt, parts.length - after);
  if (middle.some((p) => p === '')) return undefined;
  params[(segments[restAt] as { name: string }).name] = middle.join('/');
  return params;
}

export class Router<H> {
  private readonly routes: Compiled<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, segments: compile(pattern), handler });
    return this;
  }

  /** The route for a method and a (version-less, undecoded) path; 'not-found' or 'method' when none fits. */
  match(method: string, path: string): Match<H> | 'not-found' | 'method' {
    const raw = path.split('/').slice(1);
    if (raw.length && raw[raw.length - 1] === '') raw.pop(); // a trailing slash
    const parts: string[] = [];
    for (const r of raw) {
      const d = decode(r);
      if (d === undefined) return 'not-found';
      parts.push(d);
    }
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { handler: r.handler, params };
      pathMatched = true;
    }
    return pathMatched ? 'method' : 'not-found';
  }
}

export interface VersionedPath {
  /** undefined: no prefix (the newest version applies). */
  version?: string;
  path: string;
}

export function splitVersion(path: string): VersionedPath {
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(path);
  if (!m) return { path };
  return { version: m[1], path: m[2] ?? '/' };
}

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}

/** docker's own words for a version out of range. */
export function checkVersion(version: string): void {
  if (compareVersions(version, API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
}
