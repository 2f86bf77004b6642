// The part of `run`/`create` that docker's CLI does itself, around the engine call: label files
// read, the image pulled by --pull policy (-q quiet), --platform checked, the container id written to
// --cidfile, which streams to attach (-a), signal proxying and the detach keys.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flag, list, str, type OptionSpec, type ParsedArgs } from './argv';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import type { Engine } from '../engine';
import { createProgress, silentProgress } from '../image/registry/progress';
import { familiarString, parseReference } from '../image/reference';
import { parseDetachKeys } from './detach-keys';
import { checkPlatform } from '../engine/platform';

export { checkPlatform, hostPlatform, normalizePlatform } from '../engine/platform';
import type { CliIo } from './command';

export const RUN_CLIENT_OPTIONS: OptionSpec[] = [
  { name: 'cidfile', type: 'string', description: 'Write the container ID to the file' },
  { name: 'label-file', type: 'list', description: 'Read in a line delimited file of labels' },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the pull output' },
  { name: 'pull', type: 'string', description: 'Pull image before running ("always", "missing", "never")' },
  { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable (this host\'s only)' },
  { name: 'attach', short: 'a', type: 'list', description: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'sig-proxy', type: 'bool', description: 'Proxy received signals to the process (default true)' },
  { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container (default ctrl-p,ctrl-q)' },
];

export type PullPolicy = 'always' | 'missing' | 'never';
export type StreamName = 'stdin' | 'stdout' | 'stderr';

export interface RunClientOptions {
  cidfile?: string;
  quiet: boolean;
  /** undefined: no --pull given (mydocker uses what is stored; docs/cli-run-client-flags.md). */
  pull?: PullPolicy;
  platform?: string;
  /** -a: the streams attached; undefined: docker's default (stdout, stderr, and stdin with -i). */
  attach?: StreamName[];
  sigProxy: boolean;
  detachKeys?: Buffer;
}

export function runClientOptions(args: ParsedArgs): RunClientOptions {
  const pull = str(args, 'pull');
  if (pull !== undefined && !['always', 'missing', 'never'].includes(pull)) {
    throw new InvalidArgumentError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  }
  const attach = list(args, 'attach').map((s) => s.toLowerCase());
  for (const s of attach) {
    if (!['stdin', 'stdout', 'stderr'].includes(s)) throw new InvalidArgumentError(`invalid argument "${s}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  }
  if (attach.length && flag(args, 'detach')) throw new InvalidArgumentError('conflicting options: cannot specify both --attach and --detach');
  const keys = str(args, 'detach-keys');
  const platform = str(args, 'platform');
  return {
    ...(str(args, 'cidfile') ? { cidfile: str(args, 'cidfile') } : {}),
    quiet: flag(args, 'quiet'),
    ...(pull !== undefined ? { pull: pull as PullPolicy } : {}),
    ...(platform ? { platform: checkPlatform(platform) } : {}),
    ...(attach.length ? { attach: [...new Set(attach)] as StreamName[] } : {}),
    sigProxy: args.options.get('sig-proxy') !== false,
    ...(keys !== undefined ? { detachKeys: parseDetachKeys(keys) } : {}),
  };
}

/** docker's --label-file: one label a line, "#" comments and blank lines skipped, KEY alone is KEY="". */
export function parseLabelFile(text: string, file: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    if (line.includes('\uFFFD')) throw new InvalidArgumentError(`label file ${file} contains invalid utf8 bytes at line ${i + 1}`);
    const key = line.split('=', 1)[0];
    if (/\s/.test(key)) throw new InvalidArgumentError(`variable '${key}' contains whitespaces`, { hint: `in label file ${file}` });
    out.push(line);
  });
  return out;
}

export function readLabelFiles(files: string[]): string[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InvalidArgumentError(`open ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    return parseLabelFile(text, file);
  });
}

/**
 * --pull: always pulls; missing pulls when the image is not stored ("Unable to find image … locally"
 * first, as docker prints it); never refuses a missing image with the daemon's "No such image".
 * Pull output goes to stderr (stdout is the container's), none with -q.
 */
export async function prepareImage(engine: Engine, image: string | undefined, client: RunClientOptions, io: CliIo): Promise<void> {
  if (image === undefined) return; // the built-in default image
  const found = await engine.images.find(image);
  if (found && client.platform) checkImagePlatform(image, client.platform, found);
  if (client.pull === undefined || (found && client.pull !== 'always')) return;
  const name = familiarString(parseReference(image));
  if (!found && client.pull === 'never') throw new NotFoundError(`No such image: ${name}`);
  if (!found && !client.quiet) io.stderr.write(`Unable to find image '${name}' locally\n`);
  const progress = client.quiet ? silentProgress : createProgress(io.stderr as NodeJS.WritableStream & { isTTY?: boolean });
  await engine.pullImage(image, { progress });
}

/** docker's words for a stored image of another platform than the one asked for. */
function checkImagePlatform(image: string, wanted: string, found: { os: string; architecture: string }): void {
  const actual = `${found.os || 'linux'}/${found.architecture}`;
  if (found.architecture && actual !== wanted) {
    throw new FailedPreconditionError(`image with reference ${image} was found but does not match the specified platform: wanted ${wanted}, actual: ${actual}`);
  }
}

/** docker's --cidfile: refused when the file exists, before anything is created. */
export function checkCidFile(file: string | undefined): void {
  if (file !== undefined && fs.existsSync(file)) {
    throw new InvalidArgumentError(`Container ID file found, make sure the other container isn't running or delete ${file}`);
  }
}

/** Written whole or not at all: a temp file linked into place (link fails if another run got there first). */
export function writeCidFile(file: string | undefined, id: string): void {
  if (file === undefined) return;
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, id, { mode: 0o644 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new InvalidArgumentError(`Container ID file found, make sure the other container isn't running or delete ${file}`);
    }
    throw new InvalidArgumentError(`failed to create the container ID file: ${(err as Error).message}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** docker's Attach* fields: -a names them; without -a stdout and stderr (and stdin with -i); none with -d. */
export function attachedStreams(args: ParsedArgs): Record<StreamName, boolean> {
  if (flag(args, 'detach')) return { stdin: false, stdout: false, stderr: false };
  const named = list(args, 'attach').map((s) => s.toLowerCase());
  const all = named.length === 0;
  return {
    stdin: named.includes('stdin') || flag(args, 'interactive'),
    stdout: all || named.includes('stdout'),
    stderr: all || named.includes('stderr'),
  };
}
