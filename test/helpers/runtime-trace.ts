// A recording stand-in for an OCI runtime binary: runtime-trace.sh, copied into a test's directory
// under the runtime's own basename (podman chooses flags by that name: "runc" gets --log-format=json,
// an unknown name does not unless containers.conf lists it), with the real runtime and the log path
// filled in. Engines are pointed at the copy; every call they make is one JSON line in calls.jsonl.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './sandbox';

const TEMPLATE = path.join(REPO, 'test', 'helpers', 'runtime-trace.sh');

/** One call of the runtime, as runtime-trace.sh records it. */
export interface RuntimeCall {
  t: number;
  pid: number;
  ppid: number;
  cwd: string;
  verb: string;
  /** argv[0] is the stand-in's path. */
  argv: string[];
  fds: Record<string, string>;
  env: Record<string, string>;
  /** exec: the contents of the --process file. */
  process?: string;
  /** create/run: the bundle's config.json. */
  config?: string;
  /** update: the new limits, from the --resources file or (`--resources -`) stdin. */
  resources?: string;
  stdin?: string;
  rc?: number;
  stdout?: string;
}

export class RuntimeTrace {
  /** The stand-in to give the engine as its runtime. */
  readonly path: string;
  readonly log: string;

  constructor(dir: string, readonly runtime: string) {
    const traceDir = path.join(dir, 'runtime-trace');
    fs.mkdirSync(traceDir, { recursive: true });
    this.path = path.join(traceDir, path.basename(runtime));
    this.log = path.join(traceDir, 'calls.jsonl');
    const script = fs.readFileSync(TEMPLATE, 'utf8')
      .replace("real='@REAL@'", `real=${shellQuote(runtime)}`)
      .replace("log='@LOG@'", `log=${shellQuote(this.log)}`);
    fs.writeFileSync(this.path, script, { mode: 0o755 });
    fs.writeFileSync(this.log, '');
  }

  calls(): RuntimeCall[] {
    return fs.readFileSync(this.log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RuntimeCall);
  }

  /** Calls made after `mark` (a count from a previous `calls().length`). */
  since(mark: number): RuntimeCall[] {
    return this.calls().slice(mark);
  }

  /** Container ids the engine created through us (the last word of every create/run). */
  containerIds(): string[] {
    const ids = this.calls().filter((c) => c.verb === 'create' || c.verb === 'run').map((c) => c.argv[c.argv.length - 1]);
    return [...new Set(ids)];
  }

  /** Keeps a copy of the log (MYDOCKER_TEST_TRACE_OUT) for docs/runtime-callers.md. */
  keep(name: string): void {
    const out = process.env.MYDOCKER_TEST_TRACE_OUT;
    if (!out) return;
    fs.mkdirSync(out, { recursive: true });
    fs.copyFileSync(this.log, path.join(out, `${name}.jsonl`));
  }
}

/** The verb sequence of some calls, for assertions and failure messages: "create start delete". */
export function verbs(calls: RuntimeCall[]): string {
  return calls.map((c) => c.verb).join(' ');
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
