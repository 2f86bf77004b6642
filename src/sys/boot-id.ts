// The kernel's boot id tells runtime state from before a reboot. MYDOCKER_BOOT_ID overrides it so
// tests can simulate a reboot (documented in docs/lifecycle.md); nothing else should set it.
import * as fs from 'node:fs';

let cached: string | undefined;

export function bootId(): string {
  if (process.env.MYDOCKER_BOOT_ID) return process.env.MYDOCKER_BOOT_ID;
  cached ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cached;
}
