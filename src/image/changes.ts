// `import --change` and `commit --change`: Dockerfile instructions applied to an image config, as docker accepts them.
//   CMD / ENTRYPOINT  ["exec","form"]  or shell form → ["/bin/sh","-c","…"]
//   ENV k=v [k2="v 2"...] | ENV k value      LABEL k=v [...] | LABEL k value      EXPOSE 80 443/tcp 8000-8002/udp
//   WORKDIR /path (relative: joined to the previous one)  USER name[:group]  VOLUME ["/a"] | /a /b  STOPSIGNAL SIGTERM
// As in a Dockerfile, $VAR and ${VAR} (with :- and :+) expand from the config's Env in ENV, LABEL, EXPOSE, WORKDIR,
// USER, VOLUME and STOPSIGNAL, never in CMD/ENTRYPOINT; a line ending in \ continues on the next; ONBUILD is refused
// (images made by import or commit carry no build triggers here: there is no builder to run them).
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import type { ImageConfig } from './oci';

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid --change: ${message}`);
}

export type EnvLookup = (name: string) => string | undefined;

/** $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word} at text[i] ('$'): the value and where the reference ends. */
function expandAt(text: string, i: number, env: EnvLookup): { value: string; end: number } | undefined {
  const simple = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
  if (simple) return { value: env(simple[1]) ?? '', end: i + simple[0].length - 1 };
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}/.exec(text.slice(i));
  if (!braced) return undefined;
  const v = env(braced[1]);
  const value = braced[2] === ':-' ? (v ? v : braced[3]) : braced[2] === ':+' ? (v ? braced[3] : '') : v ?? '';
  return { value, end: i + braced[0].length - 1 };
}

/**
 * Splits on whitespace, honouring "double" (with \ escapes) and 'single' quotes and \ outside quotes; with env,
 * expands variables outside single quotes (an escaped \$ stays a dollar).
 */
export function shellWords(text: string, env?: EnvLookup): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const ref = env && ch === '$' ? expandAt(text, i, env) : undefined;
    if (ref) {
      cur += ref.value;
      inWord = true;
      i = ref.end;
      continue;
    }
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
        const inner = env && text[j] === '$' ? expandAt(text, j, env) : undefined;
        if (inner) {
          cur += inner.value;
          j = inner.end;
          continue;
        }
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

function pairs(args: string, what: string, env?: EnvLookup): [string, string][] {
  return shellWords(args, env).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw bad(`${what} needs key=value, got ${JSON.stringify(w)}`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** ENV and LABEL: key=value pairs, or the legacy "key the rest of the line" form. */
function nameValues(args: string, what: string, env: EnvLookup): [string, string][] {
  const first = shellWords(args)[0];
  if (first.includes('=')) return pairs(args, what, env);
  const rest = args.slice(args.indexOf(first) + first.length).trim();
  if (!rest) throw bad(`${what} ${first} needs key=value (or the legacy form "${what} key value")`);
  return [[first, shellWords(rest, env).join(' ')]];
}

const SIGNALS = new Set(Object.keys(os.constants.signals));

function stopSignal(text: string): string {
  const name = text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : `SIG${text.toUpperCase()}`;
  if (/^\d+$/.test(text) ? Number(text) >= 1 && Number(text) <= 64 : SIGNALS.has(name) || /^SIGRTM(IN|AX)([+-]\d+)?$/.test(name)) return text;
  throw bad(`STOPSIGNAL: invalid signal ${JSON.stringify(text)}`);
}

function exposedPorts(args: string, env: EnvLookup): string[] {
  const out: string[] = [];
  for (const spec of shellWords(args, env)) {
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
  // a backslash at a line's end continues the instruction on the next line, as in a Dockerfile
  const args = m[2].replace(/\\\r?\n\s*/g, '');
  const envList = config.Env ?? [];
  const env: EnvLookup = (name) => {
    const hit = [...envList].reverse().find((e) => e.split('=', 1)[0] === name);
    return hit === undefined ? undefined : hit.slice(name.length + 1);
  };
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
      const next = [...envList];
      for (const [k, v] of nameValues(args, 'ENV', env)) {
        const i = next.findIndex((e) => e.split('=')[0] === k);
        if (i >= 0) next[i] = `${k}=${v}`;
        else next.push(`${k}=${v}`);
      }
      config.Env = next;
      return;
    }
    case 'LABEL':
      need();
      config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(nameValues(args, 'LABEL', env)) };
      return;
    case 'EXPOSE':
      need();
      config.ExposedPorts = { ...(config.ExposedPorts ?? {}), ...Object.fromEntries(exposedPorts(args, env).map((p) => [p, {}])) };
      return;
    case 'WORKDIR':
      need();
      config.WorkingDir = path.posix.resolve(config.WorkingDir || '/', shellWords(args, env).join(' '));
      return;
    case 'USER':
      need();
      config.User = shellWords(args, env).join(' ');
      return;
    case 'VOLUME': {
      need();
      const vols = jsonArray(args) ?? shellWords(args, env);
      config.Volumes = { ...(config.Volumes ?? {}), ...Object.fromEntries(vols.map((v) => [v, {}])) };
      return;
    }
    case 'STOPSIGNAL':
      need();
      config.StopSignal = stopSignal(shellWords(args, env).join(' '));
      return;
    case 'ONBUILD':
      throw new InvalidArgumentError('ONBUILD is not supported in --change: mydocker has no image builder to run the trigger',
        { hint: 'use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR' });
    default:
      throw new InvalidArgumentError(`${m[1]} is not a valid change command`, { hint: 'use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR' });
  }
}

/**
 * The Engine API's `changes` values as instructions: docker joins them with newlines and reads the result as a
 * Dockerfile, so one value may hold several lines (a trailing \ continues one).
 */
export function splitChanges(values: readonly string[]): string[] {
  return values.join('\n').replace(/\\\r?\n/g, '\\\n').split(/(?<!\\)\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

export function parseChanges(changes: readonly string[]): Partial<ImageConfig> {
  const config: ImageConfig = {};
  for (const c of changes) applyChange(config, c);
  return config;
}
