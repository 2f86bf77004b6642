// Exec: create (an instance in the service's memory), start (hijacked; detached; with or without a
// terminal), resize, inspect. The process runs through Engine.exec with pipes; with a terminal,
// nsexec relays between those pipes and the pty, so the client's bytes go raw both ways.
import type { Readable, Writable } from 'node:stream';
import type { ApiContext, Handler } from '../context';
import { intQuery, readJsonObject } from '../http/request';
import { encodeFrame } from '../http/frames';
import { resolveContainer } from './containers';
import { MULTIPLEXED_STREAM, RAW_STREAM } from './container-streams';
import { execPid, newestStage0, resizeTerminal, terminalOf } from '../exec-process';
import type { ExecConfig, ExecInstance } from '../exec-store';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import type { InitStreams, StdioSlot } from '../../runtime/nsexec';

function strings(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidArgumentError(`invalid JSON: ${name} must be a list of strings`);
  return v as string[];
}

function optString(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new InvalidArgumentError(`invalid JSON: ${name} must be a string`);
  return v;
}

function consoleSize(v: unknown): { rows: number; cols: number } | undefined {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' && v[0] > 0 && v[1] > 0
    ? { rows: v[0], cols: v[1] } : undefined;
}

export const create: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const body = await readJsonObject(req);
  const cmd = strings(body.Cmd, 'Cmd');
  if (!cmd.length) throw new InvalidArgumentError('No exec command specified');
  const status = ctx.engine.containerView(record.id).derived.status;
  if (status === 'paused') throw new FailedPreconditionError(`Container ${record.id} is paused, unpause the container before exec`);
  if (status !== 'running') throw new FailedPreconditionError(`Container ${record.id} is not running`);
  const workdir = optString(body.WorkingDir, 'WorkingDir');
  if (workdir !== undefined && !workdir.startsWith('/')) throw new InvalidArgumentError(`the working directory '${workdir}' is invalid, it needs to be an absolute path`);
  const size = consoleSize(body.ConsoleSize);
  const config: ExecConfig = {
    cmd, env: strings(body.Env, 'Env'), tty: body.Tty === true, privileged: body.Privileged === true,
    attachStdin: body.AttachStdin === true, attachStdout: body.AttachStdout === true, attachStderr: body.AttachStderr === true,
    detachKeys: optString(body.DetachKeys, 'DetachKeys') ?? '',
    ...(optString(body.User, 'User') ? { user: optString(body.User, 'User') } : {}),
    ...(workdir ? { workdir } : {}),
    ...(size ? { consoleSize: size } : {}),
  };
  const inst = ctx.execs.create(record.id, config);
  reply.json(201, { Id: inst.id });
};

export const inspect: Handler = (ctx, req, reply) => {
  const inst = ctx.execs.get(req.params.id);
  const c = inst.config;
  reply.json(200, {
    ID: inst.id, Running: inst.running, ExitCode: inst.exitCode, ProcessConfig: {
      tty: c.tty, entrypoint: c.cmd[0], arguments: c.cmd.slice(1), privileged: c.privileged, ...(c.user ? { user: c.user } : {}),
    },
    OpenStdin: c.attachStdin, OpenStderr: c.attachStderr, OpenStdout: c.attachStdout, CanRemove: false, ContainerID: inst.containerId,
    DetachKeys: c.detachKeys, Pid: inst.pid,
  });
};

export const resize: Handler = async (ctx, req, reply) => {
  const inst = ctx.execs.get(req.params.id);
  const rows = intQuery(req.query, 'h') ?? 0;
  const cols = intQuery(req.query, 'w') ?? 0;
  if (!inst.running) throw new FailedPreconditionError(`exec ${inst.id} is not running`);
  if (inst.config.tty && rows > 0 && cols > 0) await resizeExec(inst, rows, cols);
  reply.empty(200);
};

async function resizeExec(inst: ExecInstance, rows: number, cols: number): Promise<void> {
  const pid = inst.pid || (inst.stage0Pid ? execPid(inst.stage0Pid) : undefined);
  const tty = pid ? terminalOf(pid) : undefined;
  if (pid) inst.pid = pid;
  if (!tty) {
    inst.pendingSize = { rows, cols }; // not running yet: applied once the process is found
    return;
  }
  await resizeTerminal(tty, rows, cols);
}

/** Finds the process (for Pid and resizes) once it runs, and applies a resize that came before. */
function followProcess(inst: ExecInstance): void {
  let tries = 0;
  const look = () => {
    if (!inst.running || !inst.stage0Pid) return;
    const pid = execPid(inst.stage0Pid);
    if (pid && (!inst.config.tty || terminalOf(pid))) {
      inst.pid = pid;
      const size = inst.pendingSize;
      inst.pendingSize = undefined;
      if (size) void resizeExec(inst, size.rows, size.cols);
      return;
    }
    if (++tries < 100) setTimeout(look, 20).unref();
  };
  look();
}

export const start: Handler = async (ctx, req, reply) => {
  const inst = ctx.execs.get(req.params.id);
  const body = await readJsonObject(req);
  const detach = body.Detach === true;
  const size = consoleSize(body.ConsoleSize) ?? inst.config.consoleSize;
  const status = ctx.engine.containerView(inst.containerId).derived.status;
  if (status !== 'running') throw new FailedPreconditionError(`Container ${inst.containerId} is not running`);
  ctx.execs.claim(inst);
  const c = inst.config;
  const opts: ExecOpts = {
    ref: inst.containerId, cmd: c.cmd, interactive: c.attachStdin && !detach, tty: c.tty, detach, env: c.env, privileged: c.privileged,
    ...(c.user ? { user: c.user } : {}), ...(c.workdir ? { workdir: c.workdir } : {}), ...(size && c.tty ? { consoleSize: size } : {}),
  };
  const claimed = ctx.execs.stage0Pids();
  const onSpawn = () => {
    inst.stage0Pid = newestStage0(claimed);
    followProcess(inst);
  };
  if (detach) {
    try {
      await ctx.engine.exec(opts, ['ignore', 'ignore', 'ignore'], onSpawn);
    } catch (err) {
      ctx.execs.finish(inst, 126);
      throw err;
    }
    inst.running = false; // detached: its end is not seen here
    reply.empty(200);
    return;
  }
  const contentType = c.tty ? RAW_STREAM : MULTIPLEXED_STREAM;
  const conn = reply.canHijack ? reply.hijack(contentType) : reply.stream(200, contentType);
  if (c.tty && !size) {
    // Clients before API 1.42 (docker 20.10) send the size as a resize right after the 101: the
    // terminal is made with it rather than resized under a shell that may already be reading.
    const deadline = Date.now() + 200;
    while (!inst.pendingSize && Date.now() < deadline && !req.signal.aborted) await new Promise((r) => setTimeout(r, 5));
    if (inst.pendingSize) {
      opts.consoleSize = inst.pendingSize;
      inst.pendingSize = undefined;
    }
  }
  await runExec(ctx, inst, opts, conn, req.signal, onSpawn);
};

type ExecOpts = Parameters<ApiContext['engine']['exec']>[0];

async function runExec(
  ctx: ApiContext, inst: ExecInstance, opts: ExecOpts, conn: Writable, signal: AbortSignal, onSpawn: () => void,
): Promise<void> {
  const c = inst.config;
  const stdio: [StdioSlot, StdioSlot, StdioSlot] = [opts.interactive ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  const input = conn as Writable & Partial<Readable>;
  let streams: InitStreams = {};
  const ends: Promise<void>[] = [];
  const send = (id: 1 | 2, data: Buffer) => {
    if ((id === 1 && !c.attachStdout) || (id === 2 && !c.attachStderr)) return;
    if (!conn.writableEnded) conn.write(c.tty ? data : encodeFrame(id, data));
  };
  const wire = (s: InitStreams) => {
    streams = s;
    onSpawn();
    s.stdin?.on('error', () => undefined);
    for (const [from, id] of [[s.stdout, 1], [s.stderr, 2]] as const) {
      if (!from) continue;
      from.on('data', (d: Buffer) => send(id, d));
      ends.push(new Promise((resolve) => from.once('close', () => resolve())));
    }
    if (opts.interactive && s.stdin && typeof input.on === 'function') {
      input.on('data', (d: Buffer) => s.stdin?.write(d));
      input.on('end', () => s.stdin?.end());
    }
    input.resume?.(); // the server left the connection paused; without stdin its bytes are drained
  };
  const onAbort = () => {
    streams.stdin?.destroy();
    streams.stdout?.destroy();
    streams.stderr?.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let code: number | null = null;
  try {
    const result = await ctx.engine.exec(opts, stdio, wire);
    if (result) {
      code = result.status.signal !== undefined ? 128 + result.status.signal : result.status.code;
      if (result.error && code !== 0) send(c.tty ? 1 : 2, Buffer.from(`OCI runtime exec failed: exec failed: ${result.error.message}: unknown\r\n`));
    }
  } catch (err) {
    code = 126;
    send(c.tty ? 1 : 2, Buffer.from(`${err instanceof Error ? err.message : String(err)}\r\n`));
  } finally {
    signal.removeEventListener('abort', onAbort);
    // output a child it left behind may still write: a short grace, then our ends are closed
    await Promise.race([Promise.all(ends), new Promise((r) => setTimeout(r, 250).unref())]);
    streams.stdout?.destroy();
    streams.stderr?.destroy();
    streams.stdin?.destroy();
    ctx.execs.finish(inst, code);
    conn.end();
  }
}
