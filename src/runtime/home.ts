// HOME, when the process's env has none: the user's home from the container's /etc/passwd, or /
// (runc does the same, and programs in containers rely on it).
import * as path from 'node:path';
import { readFileInRoot } from '../storage/root-fd';
import type { Process } from './spec';

export function withHome(proc: Process, rootDir: string): Process {
  if ((proc.env ?? []).some((e) => e.startsWith('HOME='))) return proc;
  const passwd = readFileInRoot(rootDir, '/etc/passwd') ?? '';
  const entry = passwd.split('\n').map((l) => l.split(':')).find((f) => f.length >= 7 && f[2] === String(proc.user.uid));
  const home = entry?.[5] && path.posix.isAbsolute(entry[5]) ? entry[5] : '/';
  return { ...proc, env: [...(proc.env ?? []), `HOME=${home}`] };
}
