// mydocker build [OPTIONS] PATH | -: an image from a Dockerfile (the executor is src/engine/build). `-` reads a
// tar of the context, or a bare Dockerfile (then the context is empty), from stdin as docker does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { list, str } from '../argv';
import type { CommandDefinition } from '../command';
import { engineFor } from '../engine-deps';
import { InvalidArgumentError } from '../../errors/errors';

interface BuildCliOptions {
  context: string;
  tags: string[];
  file?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  quiet: boolean;
  iidfile?: string;
  network: string;
}

function pairs(items: string[], flag: string, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq === 0) throw new InvalidArgumentError(`invalid argument "${item}" for "--${flag}" flag`);
    if (eq < 0) {
      // docker: `--build-arg NAME` takes the value from the environment (skipped when unset)
      const v = fromEnv ? process.env[item] : '';
      if (v !== undefined) out[item] = v;
    } else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

function looksLikeArchive(b: Buffer): boolean {
  return (b[0] === 0x1f && b[1] === 0x8b) || (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar');
}

export const command: CommandDefinition<BuildCliOptions> = {
  name: 'build',
  usage: '[OPTIONS] PATH | -',
  summary: 'Build an image from a Dockerfile',
  options: [
    { name: 'build-arg', type: 'list', value: 'list', description: 'Set build-time variables' },
    { name: 'file', short: 'f', type: 'string', value: 'string', description: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { name: 'iidfile', type: 'string', value: 'string', description: 'Write the image ID to the file' },
    { name: 'label', type: 'list', value: 'list', description: 'Set metadata for an image' },
    { name: 'network', type: 'string', value: 'string', description: 'Set the networking mode for the RUN instructions during build (default "default")' },
    { name: 'no-cache', type: 'bool', description: 'Do not use cache when building the image' },
    { name: 'pull', type: 'bool', description: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the build output and print image ID on success' },
    { name: 'tag', short: 't', type: 'list', value: 'list', description: "Name and optionally a tag in the 'name:tag' format" },
    { name: 'target', type: 'string', value: 'string', description: 'Set the target build stage to build.' },
  ],
  toOptions(args) {
    const [context, ...extra] = args.positionals;
    if (context === undefined || extra.length) {
      throw new InvalidArgumentError('"mydocker build" requires exactly 1 argument.', { hint: "see 'mydocker build --help'" });
    }
    const file = str(args, 'file');
    const target = str(args, 'target');
    const iidfile = str(args, 'iidfile');
    const network = str(args, 'network');
    return {
      context, tags: list(args, 'tag'), buildArgs: pairs(list(args, 'build-arg'), 'build-arg', true), labels: pairs(list(args, 'label'), 'label', false),
      noCache: args.options.get('no-cache') === true, pull: args.options.get('pull') === true, quiet: args.options.get('quiet') === true,
      network: !network || network === 'default' ? 'bridge' : network,
      ...(file !== undefined ? { file } : {}), ...(target !== undefined ? { target } : {}), ...(iidfile !== undefined ? { iidfile } : {}),
    };
  },
  async run(opts, ctx) {
    let context: string | Readable | undefined = opts.context;
    let dockerfileText: string | undefined;
    if (opts.context === '-') {
      const input = await readAll(process.stdin);
      if (looksLikeArchive(input)) context = Readable.from([input]);
      else {
        context = undefined;
        dockerfileText = input.toString('utf8');
      }
    }
    if (opts.file !== undefined && opts.file !== '-' && opts.context !== '-') {
      // docker's -f is relative to the working directory and may lie outside the context: the CLI reads it
      try {
        dockerfileText = fs.readFileSync(path.resolve(opts.file), 'utf8');
      } catch {
        throw new InvalidArgumentError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path.resolve(opts.file)}: no such file or directory`, { exitCode: 1 });
      }
    }
    if (opts.file === '-') {
      if (opts.context === '-') throw new InvalidArgumentError('invalid argument: can\'t use stdin for both build context and dockerfile');
      dockerfileText = (await readAll(process.stdin)).toString('utf8');
    }
    // Ctrl-C / SIGTERM cancel the build: the engine kills and removes a running RUN container before we exit
    const cancel = new AbortController();
    const onSignal = () => cancel.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const progress = opts.quiet ? () => undefined : (text: string) => void ctx.io.stdout.write(text);
    const result = await engineFor(ctx).buildImage(
      { tags: opts.tags, buildArgs: opts.buildArgs, labels: opts.labels, noCache: opts.noCache, pull: opts.pull, network: opts.network,
        signal: cancel.signal, ...(opts.target !== undefined ? { target: opts.target } : {}) },
      { context, ...(opts.file !== undefined && opts.file !== '-' ? { dockerfile: opts.file } : {}), ...(dockerfileText !== undefined ? { dockerfileText } : {}) },
      progress,
    ).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    if (opts.iidfile) fs.writeFileSync(opts.iidfile, result.id);
    if (opts.quiet) ctx.io.stdout.write(`${result.id}\n`);
    return 0;
  },
};
