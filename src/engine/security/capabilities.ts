// --cap-add / --cap-drop / --privileged: the capability set a container's processes get, with
// docker's rules (names with or without CAP_, any case; ALL; drop-ALL then add; privileged = all).
import { InvalidArgumentError } from '../../errors/errors';
import { CAPABILITIES } from '../../sys/linux-constants';

/** docker's 14 defaults. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** "net_admin", "CAP_NET_ADMIN", "all" → "CAP_NET_ADMIN" / "ALL"; anything else is refused. */
export function normalizeCapability(name: string, flag: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(CAPABILITIES as readonly string[]).includes(full)) throw new InvalidArgumentError(`${flag}: unknown capability: "${name}"`);
  return full;
}

/**
 * The effective set. `held`: what this runtime itself holds and so can pass on (root here lacks
 * CAP_SYS_RESOURCE); ALL means all of those, and naming one we lack is refused up front.
 */
export function resolveCapabilities(add: string[], drop: string[], privileged: boolean, held: readonly string[]): string[] {
  const adds = add.map((c) => normalizeCapability(c, '--cap-add'));
  const drops = drop.map((c) => normalizeCapability(c, '--cap-drop'));
  if (privileged) return [...held];
  for (const c of adds) {
    if (c !== 'ALL' && !held.includes(c)) {
      throw new InvalidArgumentError(`--cap-add ${c}: mydocker does not hold this capability itself, so it cannot give it to a container`);
    }
  }
  let caps: string[];
  if (adds.includes('ALL')) caps = held.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = [...adds];
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps)].filter((c) => held.includes(c));
}
