// What a handler is given: the matched route's parameters, docker's query arguments read with
// docker's rules (1/true/True are true), the body as a stream or as JSON, and an abort signal.
import type * as http from 'node:http';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errors/errors';

export interface ApiRequest {
  readonly method: string;
  /** The path without its /vX.Y prefix. */
  readonly path: string;
  /** The API version the client speaks (the prefix's, else the newest). */
  readonly version: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Readable;
  /** Aborted when the client goes away or the service shuts down. */
  readonly signal: AbortSignal;
}

/** Bodies read whole (JSON) are capped: a create or exec body is a few kB. */
const MAX_JSON_BODY = 8 << 20;

export async function readBody(body: Readable, max = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > max) throw new InvalidArgumentError(`request body larger than ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The JSON body as a plain object; an empty body is `{}` (docker accepts that for most POSTs). */
export async function readJsonObject(req: ApiRequest): Promise<Record<string, unknown>> {
  const text = (await readBody(req.body)).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid JSON in the request body: ${(err as Error).message}`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError('invalid JSON in the request body: expected an object');
  return value as Record<string, unknown>;
}

/** docker's boolean query values: "1", "true", "True" (anything else, or absent, is false). */
export function boolQuery(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return /^(1|true|t|yes)$/i.test(v);
}

export function intQuery(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(v)} is not an integer`);
  return Number(v);
}

export function strQuery(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
}

export function requiredQuery(q: URLSearchParams, name: string): string {
  const v = strQuery(q, name);
  if (v === undefined) throw new InvalidArgumentError(`missing required query parameter: ${name}`);
  return v;
}
