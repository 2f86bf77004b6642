// The two engines a differential scenario runs against, behind one small interface: mydocker in a
// Sandbox of its own, and podman (runc, private storage and containers.conf, see helpers/podman.ts).
// Both have the same busybox: mydocker's built-in image, saved and loaded into podman.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MYDOCKER, type Result, type Sandbox } from '../helpers/sandbox';
import type { Podman } from '../helpers/podman';
import { runCommand } from '../helpers/host';

export interface Engine {
  readonly name: 'mydocker' | 'podman';
  /** A host directory of this engine's own, `{out}` in a scenario (files it writes with -o or cp). */
  readonly out: string;
  /**
   * Starts one CLI command (the words after the global flags). mydocker's runs in the background;
   * podman's runs to completion before this returns, so the two overlap when mydocker goes first.
   */
  start(args: string[], input?: string): Promise<Result>;
  /** Removes containers at once, whatever their state (podman's rm -f waits for a stop timeout unless -t 0). */
  forceRemove(names: string[]): void;
}

export const RUNC = '/usr/sbin/runc';

/** Why the suite cannot run here, or false. */
export function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  if (runCommand('sh', ['-c', 'command -v podman']).code !== 0) return 'podman is not installed (scripts/install-deps.sh installs it)';
  if (!fs.existsSync(RUNC)) return `podman's runtime ${RUNC} is not installed`;
  return false;
}

function outDir(parent: string): string {
  const out = path.join(parent, 'out');
  fs.mkdirSync(out, { recursive: true });
  return out;
}

export function mydockerEngine(sb: Sandbox): Engine {
  return {
    name: 'mydocker',
    out: outDir(sb.dir),
    start: (args, input) => runAsync(MYDOCKER, [...sb.globalArgs, ...args], input),
    forceRemove: (names) => void sb.run(['rm', '-f', ...names]),
  };
}

export function podmanEngine(pm: Podman): Engine {
  return {
    name: 'podman',
    out: outDir(pm.dir),
    start: (args, input) => Promise.resolve(pm.run(args, input === undefined ? {} : { input })),
    forceRemove: (names) => void pm.run(['rm', '-f', '-t', '0', ...names]),
  };
}

/** spawn, collecting both streams; killed after 60 s like the synchronous runs of the helpers. */
function runAsync(file: string, args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => err.push(Buffer.from(`\n[spawn] ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined); // a command that never reads its stdin
    child.stdin.end(input ?? '');
  });
}
