// `import --change`: Dockerfile instructions applied to an image config, as docker import accepts them.
//   CMD / ENTRYPOINT  ["exec","form"]  or shell form → ["/bin/sh","-c","…"]
//   ENV k=v [k2="v 2"...] | ENV k value      LABEL k=v [...]      EXPOSE 80 443/tcp 8000-8002/udp
//   WORKDIR /path (relative: joined to the previous one)  USER name[:group]  VOLUME ["/a"] | /a /b  STOPSIGNAL SIGTERM
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import type { ImageConfig } from './oci';

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid --change: ${message}`);
}

/** Splits on whitespace, honouring "double" (with \ escapes) and 'single' quotes and \ outside quotes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw bad(`unterminated quote in ${JSON.stringify(text)}`);
      cur += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        cur += text[j];
      }
      if (j >= text.length) throw bad(`unterminated quote in ${JSON.stringify(text)}`);
      i = j;
    } else {
      cur += ch;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function pairs(args: string, what: string): [string, string][] {
  return shellWords(args).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw bad(`${what} needs key=value, got ${JSON.stringify(w)}`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function exposedPorts(args: string): string[] {
  const out: string[] = [];
  for (const spec of shellWords(args)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) throw bad(`invalid port ${JSON.stringify(spec)} for EXPOSE`);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (from < 1 || to > 65535 || to < from) throw bad(`invalid port range ${JSON.stringify(spec)} for EXPOSE`);
    for (let p = from; p <= to; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

/** Applies one instruction to config (in place). */
export function applyChange(config: ImageConfig, change: string): void {
  const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(change);
  if (!m || !m[1]) throw bad('empty change');
  const instruction = m[1].toUpperCase();
  const args = m[2];
  const need = () => {
    if (!args) throw bad(`${instruction} requires an argument`);
  };
  switch (instruction) {
    case 'CMD':
    case 'ENTRYPOINT': {
      need();
      const argv = jsonArray(args) ?? ['/bin/sh', '-c', args];
      if (instruction === 'CMD') config.Cmd = argv;
      else config.Entrypoint = argv;
      return;
    }
    case 'ENV': {
      need();
      const words = shellWords(args);
      const list = words[0].includes('=') ? pairs(args, 'ENV') : [[words[0], args.slice(args.indexOf(words[0]) + words[0].length).trim()] as [string, string]];
      const env = [...(config.Env ?? [])];
      for (const [k, v] of list) {
        const i = env.findIndex((e) => e.split('=')[0] === k);
        if (i >= 0) env[i] = `${k}=${v}`;
        else env.push(`${k}=${v}`);
      }
      config.Env = env;
      return;
    }
    case 'LABEL':
      need();
      config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(pairs(args, 'LABEL')) };
      return;
    case 'EXPOSE':
      need();
      config.ExposedPorts = { ...(config.ExposedPorts ?? {}), ...Object.fromEntries(exposedPorts(args).map((p) => [p, {}])) };
      return;
    case 'WORKDIR':
      need();
      config.WorkingDir = path.posix.resolve(config.WorkingDir || '/', args);
      return;
    case 'USER':
      need();
      config.User = args;
      return;
    case 'VOLUME': {
      need();
      const vols = jsonArray(args) ?? shellWords(args);
      config.Volumes = { ...(config.Volumes ?? {}), ...Object.fromEntries(vols.map((v) => [v, {}])) };
      return;
    }
    case 'STOPSIGNAL':
      need();
      config.StopSignal = args;
      return;
    default:
      throw new InvalidArgumentError(`${m[1]} is not a valid change command`, { hint: 'use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR' });
  }
}

export function parseChanges(changes: readonly string[]): Partial<ImageConfig> {
  const config: ImageConfig = {};
  for (const c of changes) applyChange(config, c);
  return config;
}
