// An in-process registry for unit tests (node:http on 127.0.0.1, random port): the endpoints pull and push use,
// bearer-token or basic auth, and switches for the misbehaviours hostile-input tests need (wrong bytes, too many
// bytes, connections dropped mid-blob, Range ignored). Not a product: no persistence, no garbage collection.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface FakeRegistryOptions {
  auth?: 'bearer' | 'basic';
  users?: Record<string, string>;
}

export interface Misbehaviour {
  /** Replace a blob's bytes on GET (the digest in the URL stays). */
  corrupt?: Map<string, Buffer>;
  /** Close the connection after this many bytes, the first N times the blob is fetched. */
  dropAfter?: Map<string, { bytes: number; times: number }>;
  /** Answer Range requests with the whole blob (200). */
  ignoreRange?: boolean;
  /** Send these extra bytes after a blob (with a Content-Length that includes them). */
  extra?: Map<string, Buffer>;
}

export class FakeRegistry {
  readonly blobs = new Map<string, Buffer>();
  /** "<repo>:<tag or digest>" → manifest */
  readonly manifests = new Map<string, { data: Buffer; mediaType: string }>();
  /** Blobs linked into each repository (HEAD and GET check it, like distribution). */
  readonly repoBlobs = new Map<string, Set<string>>();
  readonly requests: string[] = [];
  readonly bad: Misbehaviour = {};
  private readonly uploads = new Map<string, { repo: string; parts: Buffer[] }>();
  private server: http.Server | undefined;
  private readonly tokens = new Set<string>();
  host = '';

  constructor(private readonly opts: FakeRegistryOptions = {}) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.host;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  putBlob(repo: string, data: Buffer): { digest: string; size: number } {
    const digest = sha(data);
    this.blobs.set(digest, data);
    if (!this.repoBlobs.has(repo)) this.repoBlobs.set(repo, new Set());
    this.repoBlobs.get(repo)!.add(digest);
    return { digest, size: data.length };
  }

  putManifest(repo: string, tag: string | undefined, data: Buffer, mediaType: string): string {
    const digest = sha(data);
    this.manifests.set(`${repo}:${digest}`, { data, mediaType });
    if (tag) this.manifests.set(`${repo}:${tag}`, { data, mediaType });
    return digest;
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.startsWith(prefix)).length;
  }

  private authorized(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    if (this.opts.auth === 'basic') return h.startsWith('Basic ') && this.checkBasic(h);
    if (this.opts.auth === 'bearer') return h.startsWith('Bearer ') && this.tokens.has(h.slice(7));
    return true;
  }

  private checkBasic(h: string): boolean {
    const text = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const i = text.indexOf(':');
    return i > 0 && this.opts.users?.[text.slice(0, i)] === text.slice(i + 1);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    if (url.pathname === '/token') {
      const h = req.headers.authorization;
      if (h && !this.checkBasic(h)) return send(res, 401, {});
      const token = randomBytes(8).toString('hex');
      this.tokens.add(token);
      return send(res, 200, { token, expires_in: 300 });
    }
    if (!this.authorized(req)) {
      res.setHeader('WWW-Authenticate', this.opts.auth === 'basic' ? 'Basic realm="fake"' : `Bearer realm="http://${this.host}/token",service="fake",scope="repository:x:pull"`);
      return send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    }
    if (url.pathname === '/v2/') return send(res, 200, {});
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    const up = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(url.pathname);
    if (up) return this.upload(req, res, url, up[1], up[2], body);
    if (!m) return send(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    const [, repo, kind, ref] = m;
    if (kind === 'manifests') {
      if (req.method === 'PUT') {
        const digest = this.putManifest(repo, ref.startsWith('sha256:') ? undefined : ref, body, String(req.headers['content-type']));
        res.setHeader('Docker-Content-Digest', digest);
        return send(res, 201, {});
      }
      const hit = this.manifests.get(`${repo}:${ref}`);
      if (!hit) return send(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
      res.setHeader('Content-Type', hit.mediaType);
      res.setHeader('Docker-Content-Digest', sha(hit.data));
      res.setHeader('Content-Length', hit.data.length);
      res.statusCode = 200;
      return void res.end(req.method === 'HEAD' ? undefined : hit.data);
    }
    const data = this.blobs.get(ref);
    if (!data || !this.repoBlobs.get(repo)?.has(ref)) return send(res, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] });
    if (req.method === 'HEAD') {
      res.setHeader('Content-Length', data.length);
      res.statusCode = 200;
      return void res.end();
    }
    let out = this.bad.corrupt?.get(ref) ?? data;
    const extra = this.bad.extra?.get(ref);
    if (extra) out = Buffer.concat([out, extra]);
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (range && !this.bad.ignoreRange) {
      start = Number(range[1]);
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${start}-${out.length - 1}/${out.length}`);
    } else res.statusCode = 200;
    const slice = out.subarray(start);
    res.setHeader('Content-Length', slice.length);
    const drop = this.bad.dropAfter?.get(ref);
    if (drop && drop.times > 0) {
      drop.times--;
      res.write(slice.subarray(0, drop.bytes));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.end(slice);
  }

  private upload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, repo: string, id: string, body: Buffer): void {
    if (req.method === 'POST') {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount && from && this.repoBlobs.get(from)?.has(mount)) {
        this.putBlob(repo, this.blobs.get(mount)!);
        res.setHeader('Location', `/v2/${repo}/blobs/${mount}`);
        return send(res, 201, {});
      }
      const uid = randomBytes(6).toString('hex');
      this.uploads.set(uid, { repo, parts: [] });
      res.setHeader('Location', `/v2/${repo}/blobs/uploads/${uid}?_state=x`);
      return send(res, 202, {});
    }
    const u = this.uploads.get(id);
    if (!u) return send(res, 404, { errors: [{ code: 'BLOB_UPLOAD_UNKNOWN', message: 'upload unknown' }] });
    if (req.method === 'PATCH') {
      const have = u.parts.reduce((n, p) => n + p.length, 0);
      const cr = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (cr && Number(cr[1]) !== have) return send(res, 416, { errors: [{ code: 'RANGE_INVALID', message: 'bad range' }] });
      u.parts.push(body);
      res.setHeader('Location', `/v2/${repo}/blobs/uploads/${id}?_state=y`);
      res.setHeader('Range', `0-${have + body.length - 1}`);
      return send(res, 202, {});
    }
    if (req.method === 'PUT') {
      u.parts.push(body);
      const all = Buffer.concat(u.parts);
      const digest = url.searchParams.get('digest');
      if (digest !== sha(all)) return send(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] });
      this.putBlob(repo, all);
      this.uploads.delete(id);
      res.setHeader('Location', `/v2/${repo}/blobs/${digest}`);
      return send(res, 201, {});
    }
    send(res, 405, {});
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, doc: object): void {
  const data = Buffer.from(JSON.stringify(doc));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', data.length);
  res.end(data);
}
