// Registry credentials in a docker-config-like file (podman's auth.json shape):
//   { "auths": { "127.0.0.1:5000": { "auth": "<base64 of user:password>" } } }
// at $MYDOCKER_CONFIG, else ~/.config/mydocker/auth.json; written atomically with mode 0600 in a 0700 directory.
// Keys are registry hosts as references spell them ("docker.io" for Docker Hub; docker's own
// "https://index.docker.io/v1/" and "https://host" keys are read too).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors/errors';
import { readJsonIfExists, writeJsonAtomic } from '../../store/atomic';

export interface Credentials {
  username: string;
  password: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  [other: string]: unknown;
}

export function authFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MYDOCKER_CONFIG) return path.resolve(env.MYDOCKER_CONFIG);
  return path.join(env.HOME || os.homedir(), '.config', 'mydocker', 'auth.json');
}

function load(file: string): AuthFile {
  let doc: AuthFile | undefined;
  try {
    doc = readJsonIfExists<AuthFile>(file);
  } catch (err) {
    throw new InvalidArgumentError(`invalid credentials file ${file}: ${(err as Error).message}`);
  }
  if (doc === undefined) return {};
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidArgumentError(`invalid credentials file ${file}: not a JSON object`);
  return doc;
}

function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`];
  if (registry === 'docker.io') keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

export function readCredentials(registry: string, file = authFilePath()): Credentials | undefined {
  const auths = load(file).auths ?? {};
  for (const key of keysFor(registry)) {
    const entry = auths[key];
    if (!entry) continue;
    if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
    if (typeof entry.auth === 'string') {
      const text = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon < 0) throw new InvalidArgumentError(`invalid credentials for ${registry} in ${file}: auth is not base64 of user:password`);
      return { username: text.slice(0, colon), password: text.slice(colon + 1) };
    }
  }
  return undefined;
}

export function storeCredentials(registry: string, creds: Credentials, file = authFilePath()): void {
  const doc = load(file);
  const auths = { ...(doc.auths ?? {}) };
  auths[registry] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeJsonAtomic(file, { ...doc, auths }, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Removes the registry's entry; false when there was none. */
export function removeCredentials(registry: string, file = authFilePath()): boolean {
  const doc = load(file);
  const auths = { ...(doc.auths ?? {}) };
  const present = keysFor(registry).filter((k) => k in auths);
  if (present.length === 0) return false;
  for (const k of present) delete auths[k];
  writeJsonAtomic(file, { ...doc, auths }, { mode: 0o600 });
  return true;
}
