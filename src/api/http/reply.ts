// How a handler answers, whether the request came as plain HTTP (a ServerResponse) or as an upgrade
// (a raw socket, docker's hijack for attach and exec start). Every answer carries docker's headers.
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { Writable } from 'node:stream';

export interface Reply {
  /** Something was sent: headers at least. */
  readonly started: boolean;
  /** The request asked for an upgrade (Connection: Upgrade, Upgrade: tcp): hijack() may be used. */
  readonly canHijack: boolean;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** A response without a body (204, 304, or 200 for HEAD). */
  empty(status: number, headers?: Record<string, string>): void;
  /** Headers now, then a body written by the caller (logs, events, progress, tar): end() it when done. */
  stream(status: number, contentType: string, headers?: Record<string, string>): Writable;
  /** 101 Switching Protocols: the raw connection, both ways, from here on (docker's hijack). */
  hijack(contentType: string): net.Socket;
}

export interface ServiceHeaders {
  apiVersion: string;
  serverVersion: string;
}

export function commonHeaders(h: ServiceHeaders): Record<string, string> {
  return {
    'Api-Version': h.apiVersion,
    'Docker-Experimental': 'false',
    'Ostype': 'linux',
    'Server': `mydocker/${h.serverVersion} (linux)`,
  };
}

/** A plain HTTP request's answer. */
export class HttpReply implements Reply {
  readonly canHijack = false;
  constructor(private readonly res: http.ServerResponse, private readonly base: Record<string, string>) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = `${JSON.stringify(body)}\n`;
    this.res.writeHead(status, { ...this.base, ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    this.res.end(text);
  }

  empty(status: number, headers: Record<string, string> = {}): void {
    this.res.writeHead(status, { ...this.base, ...headers, ...(status === 204 || status === 304 ? {} : { 'Content-Length': '0' }) });
    this.res.end();
  }

  stream(status: number, contentType: string, headers: Record<string, string> = {}): Writable {
    this.res.writeHead(status, { ...this.base, ...headers, 'Content-Type': contentType });
    this.res.flushHeaders();
    return this.res;
  }

  hijack(): net.Socket {
    throw new Error('hijack needs an upgrade request');
  }
}

/** An upgrade request's answer, written by hand on its socket (Node's http is no longer involved). */
export class UpgradeReply implements Reply {
  readonly canHijack = true;
  private sent = false;
  constructor(private readonly socket: net.Socket, private readonly base: Record<string, string>) {}

  get started(): boolean {
    return this.sent;
  }

  private head(status: number, reason: string, headers: Record<string, string>): string {
    const lines = Object.entries({ ...this.base, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    this.sent = true;
    return `HTTP/1.1 ${status} ${reason}\r\n${lines}\r\n`;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = `${JSON.stringify(body)}\n`;
    this.socket.end(this.head(status, reasonOf(status), {
      ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), Connection: 'close',
    }) + text);
    this.socket.resume(); // read on to the client's end, so the connection closes
  }

  empty(status: number, headers: Record<string, string> = {}): void {
    this.socket.end(this.head(status, reasonOf(status), { ...headers, 'Content-Length': '0', Connection: 'close' }));
    this.socket.resume();
  }

  /** The body runs until the connection closes. */
  stream(status: number, contentType: string, headers: Record<string, string> = {}): Writable {
    this.socket.write(this.head(status, reasonOf(status), { ...headers, 'Content-Type': contentType, Connection: 'close' }));
    this.socket.resume();
    return this.socket;
  }

  hijack(contentType: string): net.Socket {
    this.socket.write(this.head(101, 'UPGRADED', { 'Content-Type': contentType, Connection: 'Upgrade', Upgrade: 'tcp' }));
    return this.socket;
  }
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = {
    200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found',
    405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Status';
}
