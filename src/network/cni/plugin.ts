// Executing one CNI plugin as the spec says: the command and the container in CNI_* environment
// variables, the network configuration as JSON on stdin, a result (or an error) as JSON on stdout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MydockerError, type ErrorKind } from '../../errors/errors';
import { CNI_ERRORS, type CniErrorReply, type RuntimeConf } from './types';
import { runPiped } from '../../sys/spawn-piped';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface PluginOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a plugin binary; injectable so unit tests can stand in for real plugins. */
export type PluginExec = (binary: string, env: NodeJS.ProcessEnv, stdin: string, timeoutMs: number) => Promise<PluginOutput>;

/** A plugin failed: its error code, message and details as the plugin reported them. */
export class CniError extends MydockerError {
  constructor(
    readonly plugin: string,
    readonly command: CniCommand,
    readonly cniCode: number,
    message: string,
    readonly details = '',
  ) {
    super(kindFor(cniCode), message);
  }
}

function kindFor(code: number): ErrorKind {
  if (code === CNI_ERRORS.invalidConfig || code === CNI_ERRORS.decodeFailure || code === CNI_ERRORS.unsupportedField) return 'InvalidArgument';
  if (code === CNI_ERRORS.tryAgainLater) return 'Unavailable';
  return 'Internal';
}

/** Where plugins are looked up: MYDOCKER_CNI_PATH, else Debian's, the upstream and Fedora's directories. */
export function defaultPluginDirs(): string[] {
  const env = process.env.MYDOCKER_CNI_PATH;
  if (env) return env.split(':').filter(Boolean);
  return ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];
}

export function findPlugin(type: string, dirs: readonly string[]): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(type)) throw new CniError(type, 'ADD', CNI_ERRORS.invalidConfig, `invalid CNI plugin type "${type}"`);
  for (const dir of dirs) {
    const file = path.join(dir, type);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // next directory
    }
  }
  throw new CniError(type, 'ADD', CNI_ERRORS.invalidConfig, `CNI plugin "${type}" not found in ${dirs.join(':')}`, 'install the containernetworking-plugins package, or set MYDOCKER_CNI_PATH');
}

export const spawnPlugin: PluginExec = async (binary, env, stdin, timeoutMs) => {
  const r = await runPiped(binary, [binary], env, stdin, timeoutMs);
  return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
};

/** The environment of one invocation: the CNI_* variables, and a PATH that finds iptables and ip. */
export function pluginEnv(command: CniCommand, rt: RuntimeConf, dirs: readonly string[]): NodeJS.ProcessEnv {
  const basePath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const sbin = ['/usr/local/sbin', '/usr/sbin', '/sbin'].filter((d) => !basePath.split(':').includes(d));
  return {
    PATH: [basePath, ...sbin].join(':'),
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netns,
    CNI_IFNAME: rt.ifname,
    CNI_ARGS: (rt.args ?? []).map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: dirs.join(':'),
  };
}

/** Runs one command of one plugin; resolves to its parsed stdout (undefined when empty). */
export async function invokePlugin(
  exec: PluginExec, binary: string, command: CniCommand, rt: RuntimeConf, dirs: readonly string[], config: object, timeoutMs = 60_000,
): Promise<unknown> {
  const type = path.basename(binary);
  let res: PluginOutput;
  try {
    res = await exec(binary, pluginEnv(command, rt, dirs), JSON.stringify(config), timeoutMs);
  } catch (err) {
    throw new CniError(type, command, CNI_ERRORS.ioFailure, `CNI plugin ${type} (${command}) could not run: ${(err as Error).message}`);
  }
  const text = res.stdout.trim();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (res.code !== 0) {
    const reply = parsed as Partial<CniErrorReply> | undefined;
    const msg = typeof reply?.msg === 'string' ? reply.msg : (res.stderr.trim() || text || `exit status ${res.code ?? 'killed'}`);
    const details = typeof reply?.details === 'string' ? reply.details : '';
    const code = typeof reply?.code === 'number' ? reply.code : 999;
    throw new CniError(type, command, code, `CNI plugin ${type} (${command}) failed: ${msg}${details && details !== msg ? `: ${details}` : ''}`, details);
  }
  if (text !== '' && parsed === undefined) {
    throw new CniError(type, command, CNI_ERRORS.decodeFailure, `CNI plugin ${type} (${command}) printed something that is not JSON: ${text.slice(0, 200)}`);
  }
  return parsed;
}
