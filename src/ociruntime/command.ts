// The shape of a runc-compatible verb (as the docker-like CLI's): options, toOptions, run.
// Errors go to stderr and, with --log, to that file in runc's JSON format (containerd's shim
// and conmon read it back).
import type { OptionSpec, ParsedArgs } from '../cli/argv';
import type { Logger } from '../log/log';
import type { OciRuntime } from '../engine/oci-runtime';

export interface RuntimeContext {
  /** The engine's OCI face over --root (and --systemd-cgroup's cgroup path rule). */
  runtime: OciRuntime;
  log: Logger;
  stdout: NodeJS.WritableStream;
}

export interface RuntimeCommand<O> {
  name: string;
  usage: string;
  summary: string;
  options: readonly OptionSpec[];
  toOptions(args: ParsedArgs): O;
  /** Resolves to the exit code. */
  run(options: O, ctx: RuntimeContext): Promise<number>;
}

/** Method parameters are bivariant, so every RuntimeCommand<O> fits here. */
export type AnyRuntimeCommand = RuntimeCommand<unknown>;
