// docker's image reference grammar (distribution/reference), written from the grammar:
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [domain "/"] path-component ["/" path-component]*     (at most 255 characters)
//   domain     := host [":" port]        host := domain-name | "[" ipv6 "]"
//   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag        := [\w][\w.-]{0,127}
//   digest     := algorithm ":" hex      (only sha256 is stored here)
// The first component is a domain only if it holds "." or ":" or is "localhost" (docker's rule); otherwise the
// domain is docker.io and one-component names get "library/". Familiar forms drop both again.
import { InvalidArgumentError } from '../errors/errors';

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;
const NAME_MAX = 255;

export interface ImageReference {
  /** Registry host[:port], "docker.io" by default. */
  domain: string;
  /** Repository path inside the registry, "library/busybox" for official images. */
  path: string;
  tag?: string;
  /** "sha256:<hex>" when the reference pins a manifest. */
  digest?: string;
}

function bad(detail?: string): InvalidArgumentError {
  return new InvalidArgumentError(detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

export interface ParseOptions {
  /** Add the "latest" tag when neither a tag nor a digest is given (default true). */
  defaultTag?: boolean;
}

export function parseReference(text: string, opts: ParseOptions = {}): ImageReference {
  if (text === '') throw bad();
  if (HEX64_RE.test(text)) {
    throw new InvalidArgumentError(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw bad();
    if (!SHA256_RE.test(digest)) throw new InvalidArgumentError(`unsupported digest ${digest}: only sha256 is supported`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw bad();
  }
  if (rest === '') throw bad();

  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (!DOMAIN_RE.test(domain)) throw bad();
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (!PATH_RE.test(path)) {
    if (PATH_RE.test(path.toLowerCase())) throw bad('repository name must be lowercase');
    throw bad();
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (domain.length + 1 + path.length > NAME_MAX) throw bad(`repository name must not be more than ${NAME_MAX} characters`);

  if (tag === undefined && digest === undefined && opts.defaultTag !== false) tag = DEFAULT_TAG;
  const ref: ImageReference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** "docker.io/library/busybox" */
export function canonicalName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** "busybox", "user/app", "localhost:5000/x" */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return canonicalName(ref);
  return ref.path.startsWith(OFFICIAL_PREFIX) && ref.path.indexOf('/', OFFICIAL_PREFIX.length) < 0 ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
}

function suffix(ref: ImageReference): string {
  return `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** "docker.io/library/busybox:latest": the key the store files references under. */
export function canonicalString(ref: ImageReference): string {
  return canonicalName(ref) + suffix(ref);
}

/** "busybox:latest", "localhost:5000/x:1": what users see. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

/** Normalizes a user's reference to the stored key, e.g. "busybox" → "docker.io/library/busybox:latest". */
export function normalizeReference(text: string): string {
  return canonicalString(parseReference(text));
}

/** "sha256:<64 hex>" or "<64 hex>": a full image id rather than a name. */
export function isFullImageId(text: string): boolean {
  return SHA256_RE.test(text) || HEX64_RE.test(text);
}
