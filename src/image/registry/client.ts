// A client for one registry (OCI distribution spec / Docker registry HTTP API v2): endpoint and scheme
// resolution, the auth challenge dance, redirects, and the handful of endpoints pull and push use.
//   GET  /v2/                                    ping: 200, or 401 with the auth challenge
//   GET  /v2/<name>/manifests/<tag|digest>       Accept: every manifest and index type we read
//   HEAD /v2/<name>/blobs/<digest>               does the registry have it?
//   GET  /v2/<name>/blobs/<digest>               (Range: bytes=N- to resume)
//   POST /v2/<name>/blobs/uploads/[?mount=&from=]  202 + Location (or 201: mounted from another repository)
//   PATCH <location>  Content-Range: a-b         a chunk; 202 + the next Location
//   PUT  <location>?digest=<d>                   the whole blob, or the end of a chunked upload: 201
//   PUT  /v2/<name>/manifests/<tag>              Content-Type: the manifest's media type: 201
// Plain http is used only when the caller allows it (--tls-verify=false) or the registry is on loopback
// (docker's default insecure range 127.0.0.0/8, and localhost): https is tried first, then http.
import type { Readable } from 'node:stream';
import { MydockerError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { MANIFEST_TYPES } from '../manifest';
import { Authenticator } from './auth';
import type { Credentials } from './credentials';
import { destroyAgents, discard, httpRequest, makeAgents, NetworkError, readLimited, redact, type Agents, type HttpResponse } from './http';

export interface ClientOptions {
  /** false: skip certificate checks and allow plain http. Default true (loopback registries are always allowed). */
  tlsVerify?: boolean;
  credentials?: Credentials;
  log: Logger;
}

export interface SendRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path below the registry's base URL. */
  url: string | URL;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  contentLength?: number;
  scopes: string[];
}

export const MANIFEST_ACCEPT = [MANIFEST_TYPES.ociIndex, MANIFEST_TYPES.dockerList, MANIFEST_TYPES.ociManifest, MANIFEST_TYPES.dockerManifest].join(', ');

const MAX_REDIRECTS = 5;

export function isLoopbackRegistry(domain: string): boolean {
  const host = domain.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Docker Hub's API lives on registry-1.docker.io. */
export function registryHost(domain: string): string {
  return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}

export class RegistryClient {
  private constructor(
    readonly domain: string,
    readonly base: URL,
    private readonly agents: Agents,
    private readonly auth: Authenticator,
    private readonly log: Logger,
  ) {}

  static async connect(domain: string, opts: ClientOptions): Promise<RegistryClient> {
    const insecure = opts.tlsVerify === false || isLoopbackRegistry(domain);
    const agents = makeAgents(!insecure);
    const auth = new Authenticator(domain, opts.credentials, agents);
    const host = registryHost(domain);
    const attempt = async (scheme: 'https' | 'http') => {
      const client = new RegistryClient(domain, new URL(`${scheme}://${host}/`), agents, auth, opts.log);
      await client.ping();
      return client;
    };
    try {
      try {
        return await attempt('https');
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        if (!insecure) {
          const tls = !['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(err.code);
          throw new MydockerError('Unavailable', `cannot reach registry ${domain} over https: ${err.message.replace(/^GET \S+: /, '')}`, {
            cause: err,
            ...(tls ? { hint: 'for a registry without TLS (or with a self-signed certificate) use --tls-verify=false' } : {}),
          });
        }
        opts.log.debug('registry', 'https failed, trying plain http', { registry: domain, error: err.message });
        return await attempt('http');
      }
    } catch (err) {
      destroyAgents(agents);
      throw err;
    }
  }

  close(): void {
    destroyAgents(this.agents);
  }

  private async ping(): Promise<void> {
    const res = await httpRequest({ method: 'GET', url: new URL('/v2/', this.base), agents: this.agents });
    discard(res);
    this.log.debug('registry', 'ping', { url: redact(res.url), status: res.status });
    if (res.status === 401) {
      this.auth.onChallenge(header(res, 'www-authenticate'));
      return;
    }
    if (res.status !== 200) throw new MydockerError('Unavailable', `${this.domain} is not a registry: GET /v2/ answered ${res.status}`);
  }

  /** Checks the stored credentials against the registry (login). */
  async checkLogin(): Promise<void> {
    const res = await this.send({ method: 'GET', url: '/v2/', scopes: [] });
    if (res.status === 200 || res.status === 401 || res.status === 403) discard(res);
    if (res.status === 200) return;
    if (res.status === 401 || res.status === 403) throw new MydockerError('PermissionDenied', `login to ${this.domain} failed: unauthorized: incorrect username or password`);
    throw await registryError(res, `login to ${this.domain}`);
  }

  /** One request with auth (one retry after a challenge) and redirects followed. */
  async send(req: SendRequest): Promise<HttpResponse> {
    let url = typeof req.url === 'string' ? new URL(req.url, this.base) : req.url;
    let retried = false;
    for (let hops = 0; ; ) {
      const sameOrigin = url.origin === this.base.origin;
      const authz = sameOrigin ? await this.auth.header(req.scopes) : undefined;
      const res = await httpRequest({
        method: req.method,
        url,
        agents: this.agents,
        headers: { ...req.headers, ...(authz ? { Authorization: authz } : {}) },
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.contentLength !== undefined ? { contentLength: req.contentLength } : {}),
      });
      this.log.debug('registry', 'request', { method: req.method, url: redact(url), status: res.status });
      if (res.status === 401 && sameOrigin && !retried) {
        retried = true;
        if (authz?.startsWith('Bearer ')) this.auth.invalidate(req.scopes);
        const usable = this.auth.onChallenge(header(res, 'www-authenticate'));
        if (usable || authz?.startsWith('Bearer ')) {
          discard(res);
          continue;
        }
      }
      const location = header(res, 'location');
      if ((req.method === 'GET' || req.method === 'HEAD') && [301, 302, 303, 307, 308].includes(res.status) && location) {
        discard(res);
        if (++hops > MAX_REDIRECTS) throw new MydockerError('Unavailable', `too many redirects from ${this.domain}`);
        url = new URL(location, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MydockerError('Unavailable', `registry ${this.domain} redirected to a non-http URL`);
        continue;
      }
      return res;
    }
  }

  async getManifest(repo: string, reference: string, scopes: string[]): Promise<{ data: Buffer; contentType: string; digest?: string }> {
    const res = await this.send({ method: 'GET', url: `/v2/${repo}/manifests/${reference}`, headers: { Accept: MANIFEST_ACCEPT }, scopes });
    if (res.status !== 200) throw await registryError(res, `manifest for ${this.domain}/${repo}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`);
    const data = await readLimited(res, 4 << 20, `manifest of ${repo}`);
    const digest = header(res, 'docker-content-digest');
    return { data, contentType: (header(res, 'content-type') ?? '').split(';')[0].trim(), ...(digest ? { digest } : {}) };
  }

  async blobExists(repo: string, digest: string, scopes: string[]): Promise<boolean> {
    const res = await this.send({ method: 'HEAD', url: `/v2/${repo}/blobs/${digest}`, scopes });
    discard(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await registryError(res, `blob ${digest} in ${repo}`);
  }

  /** GET of a blob from `offset` on: the response is 200 (whole blob) or 206 (the rest). */
  async openBlob(repo: string, digest: string, offset: number, scopes: string[]): Promise<HttpResponse> {
    const res = await this.send({ method: 'GET', url: `/v2/${repo}/blobs/${digest}`, headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, scopes });
    if (res.status !== 200 && res.status !== 206) throw await registryError(res, `blob ${digest} of ${repo}`);
    return res;
  }

  async fetchBlob(repo: string, desc: { digest: string; size: number }, scopes: string[]): Promise<Buffer> {
    const res = await this.openBlob(repo, desc.digest, 0, scopes);
    return readLimited(res, desc.size, `blob ${desc.digest}`);
  }

  /**
   * Uploads a blob the registry does not have: a cross-repository mount when `mountFrom` is given and the
   * registry agrees, else one PUT (size ≤ chunkSize) or PATCH chunks and a closing PUT.
   */
  async uploadBlob(
    repo: string,
    desc: { digest: string; size: number },
    open: (start: number, end: number) => Readable,
    opts: { scopes: string[]; chunkSize: number; mountFrom?: string; onBytes?: (n: number) => void },
  ): Promise<'pushed' | 'mounted'> {
    const what = `upload of ${desc.digest} to ${repo}`;
    const mount = opts.mountFrom ? `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(opts.mountFrom)}` : '';
    const scopes = opts.mountFrom ? [...opts.scopes, `repository:${opts.mountFrom}:pull`] : opts.scopes;
    const start = await this.send({ method: 'POST', url: `/v2/${repo}/blobs/uploads/${mount}`, scopes });
    if (start.status === 201 && mount) {
      discard(start);
      return 'mounted';
    }
    if (start.status !== 202) throw await registryError(start, what);
    discard(start);
    let location = nextLocation(start, what);
    if (desc.size <= opts.chunkSize) {
      const done = await this.send({ method: 'PUT', url: withDigest(location, desc.digest), headers: { 'Content-Type': 'application/octet-stream' }, body: () => open(0, desc.size - 1), contentLength: desc.size, scopes: opts.scopes });
      if (done.status !== 201) throw await registryError(done, what);
      discard(done);
      opts.onBytes?.(desc.size);
      return 'pushed';
    }
    for (let off = 0; off < desc.size; off += opts.chunkSize) {
      const end = Math.min(desc.size, off + opts.chunkSize) - 1;
      const res = await this.send({
        method: 'PATCH',
        url: location,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${off}-${end}` },
        body: () => open(off, end),
        contentLength: end - off + 1,
        scopes: opts.scopes,
      });
      if (res.status !== 202) throw await registryError(res, what);
      discard(res);
      location = nextLocation(res, what);
      opts.onBytes?.(end + 1);
    }
    const done = await this.send({ method: 'PUT', url: withDigest(location, desc.digest), scopes: opts.scopes });
    if (done.status !== 201) throw await registryError(done, what);
    discard(done);
    return 'pushed';
  }

  /** PUT of a manifest; returns the digest the registry computed (when it says). */
  async putManifest(repo: string, reference: string, data: Buffer, mediaType: string, scopes: string[]): Promise<string | undefined> {
    const res = await this.send({ method: 'PUT', url: `/v2/${repo}/manifests/${reference}`, headers: { 'Content-Type': mediaType }, body: data, scopes });
    if (res.status !== 201 && res.status !== 200) throw await registryError(res, `manifest upload to ${this.domain}/${repo}:${reference}`);
    discard(res);
    return header(res, 'docker-content-digest');
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function nextLocation(res: HttpResponse, what: string): URL {
  const loc = header(res, 'location');
  if (!loc) throw new MydockerError('Unavailable', `${what}: the registry sent no upload location`);
  return new URL(loc, res.url);
}

function withDigest(location: URL, digest: string): URL {
  const u = new URL(location.href);
  u.searchParams.set('digest', digest);
  return u;
}

/** A registry error response as one line: "<what>: <status> <CODE>: <message>", kind from the status. */
export async function registryError(res: HttpResponse, what: string): Promise<MydockerError> {
  let detail = '';
  if (res.body.readable && res.status !== 204) {
    try {
      const body = await readLimited(res, 64 << 10, what);
      const doc = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
      const first = doc.errors?.[0];
      if (first) detail = [first.code, first.message].filter((x) => typeof x === 'string' && x).join(': ').toLowerCase();
    } catch {
      // not a registry error document
    }
  }
  const text = `${what}: ${res.status}${detail ? ` ${detail}` : ''}`;
  if (res.status === 401) return new MydockerError('PermissionDenied', `${what}: unauthorized: authentication required`, { hint: 'run mydocker login' });
  if (res.status === 403) return new MydockerError('PermissionDenied', `${what}: denied: requested access to the resource is denied`);
  if (res.status === 404) return new MydockerError('NotFound', `${what} not found${detail ? `: ${detail}` : ''}`);
  if (res.status >= 400 && res.status < 500) return new MydockerError('InvalidArgument', text);
  return new MydockerError('Unavailable', text);
}
