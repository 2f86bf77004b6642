// Registry authentication (Docker registry HTTP API v2, "token authentication"): a 401 names its scheme in
// WWW-Authenticate. Basic: send the stored credentials. Bearer: ask the realm for a token for the service and
// scopes (with the credentials as basic auth when we have them, anonymously otherwise), cache it per scope set.
import { MydockerError } from '../../errors/errors';
import type { Credentials } from './credentials';
import { discard, httpRequest, readLimited, type Agents } from './http';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate value: one or more `Scheme k=v, k="quoted, v"` challenges (RFC 7235). Scheme names
 * are lower-cased; parameters keep their values.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const ch: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(ch);
    for (;;) {
      skip(/[\s,]/);
      const save = i;
      const key = token();
      skip(/\s/);
      if (!key || s[i] !== '=') {
        i = save; // the next challenge's scheme, or the end
        break;
      }
      i++; // '='
      skip(/\s/);
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',' && !/\s/.test(s[i])) i++;
        value = s.slice(start, i);
      }
      ch.params[key.toLowerCase()] = value;
    }
  }
  return out;
}

export class Authenticator {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly registry: string, private readonly creds: Credentials | undefined, private readonly agents: Agents) {}

  get hasCredentials(): boolean {
    return this.creds !== undefined;
  }

  /** Records the challenge of a 401; returns false when retrying cannot help (no usable scheme). */
  onChallenge(header: string | undefined): boolean {
    const challenges = parseChallenges(header ?? '');
    const pick = challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
    if (!pick) return false;
    const changed = JSON.stringify(pick) !== JSON.stringify(this.challenge);
    this.challenge = pick;
    if (pick.scheme === 'basic') return this.creds !== undefined && changed;
    return true;
  }

  /** Drops cached tokens for these scopes (after a 401 with a token: it expired or lacks a scope). */
  invalidate(scopes: string[]): void {
    this.tokens.delete(scopes.join(' '));
  }

  /** The Authorization header for a request needing `scopes`, or undefined when the registry wants none. */
  async header(scopes: string[]): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') return this.creds ? basic(this.creds) : undefined;
    const key = scopes.join(' ');
    let token = this.tokens.get(key);
    if (!token) {
      token = this.fetchToken(ch, scopes);
      this.tokens.set(key, token);
      token.catch(() => this.tokens.delete(key));
    }
    return `Bearer ${await token}`;
  }

  private async fetchToken(ch: Challenge, scopes: string[]): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(ch.params.realm);
    } catch {
      throw new MydockerError('Unavailable', `registry ${this.registry} sent a bad token realm ${JSON.stringify(ch.params.realm)}`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new MydockerError('Unavailable', `registry ${this.registry} sent a token realm that is not http(s)`);
    if (ch.params.service) realm.searchParams.set('service', ch.params.service);
    for (const s of scopes) realm.searchParams.append('scope', s);
    if (this.creds) realm.searchParams.set('account', this.creds.username);
    const res = await httpRequest({ method: 'GET', url: realm, agents: this.agents, headers: this.creds ? { Authorization: basic(this.creds) } : {} });
    if (res.status === 401 || res.status === 403) {
      discard(res);
      throw new MydockerError('PermissionDenied', this.creds ? `unauthorized: incorrect username or password for ${this.registry}` : `unauthorized: ${this.registry} requires a login`, {
        ...(this.creds ? {} : { hint: `run 'mydocker login ${this.registry}'` }),
      });
    }
    if (res.status !== 200) {
      discard(res);
      throw new MydockerError('Unavailable', `token server ${realm.host} answered ${res.status}`);
    }
    const body = await readLimited(res, 1 << 20, `token from ${realm.host}`);
    let doc: { token?: unknown; access_token?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new MydockerError('Unavailable', `token server ${realm.host} sent invalid JSON`);
    }
    const token = typeof doc.token === 'string' && doc.token ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : '';
    if (!token) throw new MydockerError('Unavailable', `token server ${realm.host} sent no token`);
    return token;
  }
}

export function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
