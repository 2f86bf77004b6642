// Finding an exec's processes from the outside, for inspect's Pid and for resizing its terminal.
// The engine spawns nsexec's stage-0 as our child, synchronously, just before it hands us the
// pipes: the newest nsexec child not yet claimed by another exec is this exec's. The process
// itself is a descendant of stage-0; with a terminal its fds 0-2 are the pty's slave, which
// `stty -F /proc/<pid>/fd/N` resizes (the kernel then sends SIGWINCH to its foreground group).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function childPids(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((t) => read(`/proc/${pid}/task/${t}/children`).split(/\s+/).filter(Boolean).map(Number));
}

function startTime(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[19] ?? 0);
}

/** The newest nsexec child of this process that is not in `claimed`. */
export function newestStage0(claimed: Set<number>): number | undefined {
  const candidates = childPids(process.pid).filter((p) => !claimed.has(p) && read(`/proc/${p}/cmdline`).includes('nsexec'));
  candidates.sort((a, b) => startTime(b) - startTime(a));
  return candidates[0];
}

/** The exec'd process under stage-0 (its first descendant that is no longer nsexec). */
export function execPid(stage0: number): number | undefined {
  const queue = childPids(stage0);
  while (queue.length) {
    const p = queue.shift()!;
    if (!read(`/proc/${p}/cmdline`).includes('nsexec')) return p;
    queue.push(...childPids(p));
  }
  return undefined;
}

/** /proc/<pid>/fd/N of the process's terminal, if one of its standard fds is a pty. */
export function terminalOf(pid: number): string | undefined {
  for (const fd of [0, 1, 2]) {
    try {
      if (/^\/dev\/pts\/\d+$/.test(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))) return `/proc/${pid}/fd/${fd}`;
    } catch {
      // gone, or not a link
    }
  }
  return undefined;
}

export function resizeTerminal(file: string, rows: number, cols: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('stty', ['-F', file, 'rows', String(rows), 'cols', String(cols)], { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('exit', () => resolve());
  });
}
