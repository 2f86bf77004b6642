// The shape every CLI verb follows: a name, help, an options schema, toOptions(argv) that turns
// parsed flags into the engine's typed options, and run(options, ctx). No business logic here.
import type { OptionSpec, ParsedArgs } from './argv';
import type { Layout } from '../store/layout';
import type { Logger } from '../log/log';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CliContext {
  layout: Layout;
  log: Logger;
  io: CliIo;
}

export interface CommandDefinition<O> {
  name: string;
  /** e.g. "[OPTIONS] IMAGE [COMMAND] [ARG...]" */
  usage: string;
  summary: string;
  options: readonly OptionSpec[];
  /** Options stop at the first positional (run, exec): the rest is the container's command. */
  stopAtPositional?: boolean;
  toOptions(args: ParsedArgs): O;
  /** Resolves to the process exit code. */
  run(options: O, ctx: CliContext): Promise<number>;
}

/** Method parameters are bivariant, so every CommandDefinition<O> fits here. */
export type AnyCommand = CommandDefinition<unknown>;
