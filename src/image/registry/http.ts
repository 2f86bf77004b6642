// A small HTTP/1.1 client on node:http/https for the registry protocol: one request, a streamed response, bodies
// read with a hard size limit (a registry is untrusted: it may send more than it announced, or never stop).
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { InvalidArgumentError, MydockerError } from '../../errors/errors';
import { registryCas } from './extra-ca';

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** A Buffer, or a factory so the body can be sent again after an auth challenge. */
  body?: Buffer | (() => Readable);
  /** Required with a streamed body. */
  contentLength?: number;
  agents: Agents;
  /** Socket inactivity limit (default 60 s). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  url: URL;
  body: http.IncomingMessage;
}

export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export function makeAgents(tlsVerify: boolean): Agents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: tlsVerify, ca: registryCas() }),
  };
}

export function destroyAgents(a: Agents): void {
  a.http.destroy();
  a.https.destroy();
}

/** A failure to talk to the server at all (refused, reset, TLS, timeout): kind Unavailable. */
export class NetworkError extends MydockerError {
  readonly code: string;
  constructor(message: string, code: string, cause?: unknown) {
    super('Unavailable', message, cause === undefined ? {} : { cause });
    this.code = code;
  }
}

export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string> = { 'User-Agent': 'mydocker/0.1', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
    else if (req.body) headers['Content-Length'] = String(req.contentLength ?? 0);
    else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') headers['Content-Length'] = '0';
    const options: http.RequestOptions = { method: req.method, headers, agent: isHttps ? req.agents.https : req.agents.http };
    const r = (isHttps ? https : http).request(req.url, options, (res) => {
      res.on('error', () => undefined); // consumers see errors through their own reads
      resolve({ status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res });
    });
    const timeout = req.timeoutMs ?? 60_000;
    r.setTimeout(timeout, () => r.destroy(Object.assign(new Error(`no data for ${timeout / 1000} s`), { code: 'ETIMEDOUT' })));
    r.on('error', (err: NodeJS.ErrnoException) => reject(new NetworkError(`${req.method} ${redact(req.url)}: ${networkMessage(err)}`, err.code ?? 'EIO', err)));
    if (Buffer.isBuffer(req.body)) r.end(req.body);
    else if (req.body) {
      const src = req.body();
      src.on('error', (err) => r.destroy(err));
      src.pipe(r);
    } else r.end();
  });
}

function networkMessage(err: NodeJS.ErrnoException): string {
  const text = err.message || String(err.code);
  if (err.code === 'EPROTO' || /wrong version number|packet length too long/.test(text)) return 'the server does not speak TLS (is it plain http?)';
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ECONNRESET') return 'connection reset by the server';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'cannot resolve the host name';
  return text.split('\n')[0];
}

/** The URL without credentials or query (for error messages). */
export function redact(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** Reads a whole body, refusing more than `limit` bytes (and the connection stops there). */
export async function readLimited(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw new InvalidArgumentError(`${what}: the registry announces ${declared} bytes, more than the ${limit} expected`);
  }
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of res.body) {
      n += (chunk as Buffer).length;
      if (n > limit) {
        res.body.destroy();
        throw new InvalidArgumentError(`${what}: the registry sent more than the ${limit} bytes expected`);
      }
      parts.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof MydockerError) throw err;
    throw new NetworkError(`${what}: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code ?? 'EIO', err);
  }
  return Buffer.concat(parts);
}

/** Throws the rest of a response away (so the keep-alive connection can be reused). */
export function discard(res: HttpResponse): void {
  res.body.resume();
}
