// mydocker login / logout: check the credentials against the registry (basic: GET /v2/ with them; bearer: a
// token from the realm), then store them; logout forgets them.
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { DEFAULT_DOMAIN } from '../reference';
import { RegistryClient } from './client';
import { authFilePath, removeCredentials, storeCredentials, type Credentials } from './credentials';

/** "http://127.0.0.1:5000/v2/" → "127.0.0.1:5000"; no argument → docker.io. */
export function registryFromArgument(arg: string | undefined): string {
  if (arg === undefined || arg === '') return DEFAULT_DOMAIN;
  const host = arg.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (!/^[A-Za-z0-9.-]+(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/.test(host)) throw new InvalidArgumentError(`invalid registry address ${JSON.stringify(arg)}`);
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') return DEFAULT_DOMAIN;
  return host;
}

export async function login(log: Logger, registry: string, creds: Credentials, opts: { tlsVerify?: boolean; authFile?: string } = {}): Promise<string> {
  if (creds.username === '') throw new InvalidArgumentError('username is empty');
  if (creds.password === '') throw new InvalidArgumentError('password is empty');
  const client = await RegistryClient.connect(registry, { ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify } : {}), credentials: creds, log });
  try {
    await client.checkLogin();
  } finally {
    client.close();
  }
  const file = opts.authFile ?? authFilePath();
  storeCredentials(registry, creds, file);
  return file;
}

export function logout(registry: string, authFile = authFilePath()): boolean {
  return removeCredentials(registry, authFile);
}
