// NODE_EXTRA_CA_CERTS makes Node parse the whole file at boot, before any code runs: ~40–90 ms on
// every command here, for a trust store that only a registry pull or push uses. The bin/mydocker
// launcher therefore moves the variable to MYDOCKER_EXTRA_CA_CERTS, and the registry client adds
// those certificates to Node's own roots itself, when it first speaks TLS.
import * as fs from 'node:fs';
import * as tls from 'node:tls';

/** The CA list for registry connections, or undefined for Node's default (which already has any NODE_EXTRA_CA_CERTS). */
export function registryCas(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const file = env.MYDOCKER_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try {
    return [...tls.rootCertificates, fs.readFileSync(file, 'utf8')];
  } catch {
    return undefined; // Node warns and goes on when NODE_EXTRA_CA_CERTS cannot be read; so do we, with its roots
  }
}
