// The streaming container routes: attach (hijacked), logs, wait, stats, resize.
import type { ApiContext, Handler } from '../context';
import { boolQuery, intQuery, strQuery } from '../http/request';
import { encodeFrame } from '../http/frames';
import { runAttachSession } from '../attach-session';
import { resolveContainer } from './containers';
import { detailsPrefix, entryAttrs } from '../../format/log-details';
import { statsDocument, zeroStats, type CpuCounters } from '../convert/stats';
import { FailedPreconditionError, InvalidArgumentError, MydockerError } from '../../errors/errors';
import type { AttachClient } from '../../monitor/attach-client';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export const attach: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const q = req.query;
  const wantStdin = boolQuery(q, 'stdin') && record.config.OpenStdin;
  const opts = { tty: record.config.Tty, stdin: wantStdin, stdout: boolQuery(q, 'stdout'), stderr: boolQuery(q, 'stderr'), signal: req.signal };
  if (!boolQuery(q, 'stream')) {
    // logs=1 without stream: what the container printed, then the end
    const out = reply.stream(200, opts.tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    if (boolQuery(q, 'logs')) {
      for await (const e of ctx.engine.logs(record.id, { follow: false })) {
        if ((e.stream === 'stdout' && opts.stdout) || (e.stream === 'stderr' && opts.stderr)) {
          out.write(opts.tty ? Buffer.from(e.log) : encodeFrame(e.stream === 'stdout' ? 1 : 2, Buffer.from(e.log)));
        }
      }
    }
    out.end();
    return;
  }
  const contentType = opts.tty ? RAW_STREAM : MULTIPLEXED_STREAM;
  const status = ctx.engine.containerView(record.id).derived.status;
  if (status === 'running' || status === 'paused') {
    const { client } = await ctx.engine.attachContainer(record.id, wantStdin);
    ctx.attach.track(record.id, client);
    const conn = reply.canHijack ? reply.hijack(contentType) : reply.stream(200, contentType);
    await runAttachSession(client, conn, { ...opts, stdin: wantStdin && reply.canHijack, keepClient: false });
    return;
  }
  // Not running yet: docker's CLI attaches before it starts the container. The session waits here for
  // that start, registered before the 101 goes out (the CLI sends the start only after the 101).
  let withdraw: () => void = () => undefined;
  const delivered = new Promise<AttachClient>((resolve, reject) => {
    withdraw = ctx.attach.wait(record.id, {
      stdin: wantStdin,
      deliver: (c) => {
        withdraw();
        resolve(c);
      },
      fail: (err) => {
        withdraw();
        reject(err);
      },
    });
  });
  const conn = reply.canHijack ? reply.hijack(contentType) : reply.stream(200, contentType);
  const gone = new Promise<undefined>((resolve) => {
    req.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    conn.on('close', () => resolve(undefined));
  });
  let client: AttachClient | undefined;
  try {
    client = await Promise.race([delivered, gone]);
  } catch {
    client = undefined; // the start failed: its reply says why
  }
  if (!client) {
    withdraw();
    // a client delivered after all must not keep the output it would never send anywhere
    delivered.then((c) => c.onOutput(() => undefined), () => undefined);
    conn.end();
    return;
  }
  // The session that started the container keeps its client until the exit (the service cleans up).
  await runAttachSession(client, conn, { ...opts, stdin: wantStdin && reply.canHijack, keepClient: true });
};

/** docker's time arguments for logs and events: unix seconds with an optional fraction ("1700000000.123456789"). */
export function unixTimeArg(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '' || text === '0') return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new InvalidArgumentError(`invalid value for ${name}: ${JSON.stringify(text)}`);
  const [s, frac = ''] = text.split('.');
  return Number(s) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

function isoFromNs(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const sub = String(Math.floor(ns % 1e9)).padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${sub}Z`;
}

export const logs: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const q = req.query;
  const stdout = boolQuery(q, 'stdout');
  const stderr = boolQuery(q, 'stderr');
  if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  const tailText = strQuery(q, 'tail');
  if (tailText !== undefined && tailText !== 'all' && !/^-?\d+$/.test(tailText)) throw new InvalidArgumentError(`invalid value for tail: ${JSON.stringify(tailText)}`);
  const tail = tailText === undefined || tailText === 'all' ? undefined : Number(tailText);
  const since = unixTimeArg(strQuery(q, 'since'), 'since');
  const until = unixTimeArg(strQuery(q, 'until'), 'until');
  const timestamps = boolQuery(q, 'timestamps');
  const details = boolQuery(q, 'details');
  const tty = record.config.Tty;
  const entries = ctx.engine.logs(record.id, {
    follow: boolQuery(q, 'follow'), ...(tail !== undefined && tail >= 0 ? { tail } : {}),
    ...(since !== undefined ? { since: isoFromNs(since) } : {}), ...(until !== undefined ? { until: isoFromNs(until) } : {}),
    signal: req.signal,
  });
  const out = reply.stream(200, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
  try {
    for await (const e of entries) {
      if (req.signal.aborted) break;
      if ((e.stream === 'stdout' && !stdout) || (e.stream === 'stderr' && !stderr)) continue;
      const data = Buffer.from(`${timestamps ? `${e.time} ` : ''}${details ? detailsPrefix(entryAttrs(e)) : ''}${e.log}`);
      out.write(tty ? data : encodeFrame(e.stream === 'stdout' ? 1 : 2, data));
    }
  } finally {
    out.end();
  }
};

/** Resolves after `ms`, or earlier when the hub hears about the container (an exit, a cleanup). */
function pause(ctx: ApiContext, id: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const off = ctx.attach.onChange(id, done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

/** docker wait: not-running (default), next-exit, removed. */
export async function waitForContainer(ctx: ApiContext, id: string, condition: string, signal: AbortSignal): Promise<number> {
  const askedAt = Date.now();
  let seen: number | undefined;
  for (;;) {
    let doc;
    try {
      doc = ctx.engine.inspectContainer(id);
    } catch (err) {
      if (err instanceof MydockerError && err.kind === 'NotFound') return seen ?? ctx.attach.lastExit(id) ?? 0;
      throw err;
    }
    const st = doc.State;
    const stopped = !st.Running && !st.Restarting && st.Status !== 'created';
    const finished = Date.parse(st.FinishedAt);
    const freshExit = stopped && finished >= askedAt - 5;
    if (condition === 'not-running' && (!st.Running && !st.Restarting)) return st.ExitCode;
    if (condition === 'next-exit' && freshExit) return st.ExitCode;
    if (condition === 'removed' && freshExit) seen = st.ExitCode;
    if (signal.aborted) throw new FailedPreconditionError('the wait was cancelled');
    await pause(ctx, id, 50);
  }
}

export const wait: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const condition = strQuery(req.query, 'condition') ?? 'not-running';
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: ${JSON.stringify(condition)}`);
  // Headers at once: the docker CLI waits for them before it starts the container.
  const out = reply.stream(200, 'application/json');
  try {
    const code = await waitForContainer(ctx, record.id, condition, req.signal);
    out.end(`${JSON.stringify({ StatusCode: code })}\n`);
  } catch (err) {
    out.end(`${JSON.stringify({ StatusCode: -1, Error: { Message: err instanceof Error ? err.message : String(err) } })}\n`);
  }
};

export const stats: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const stream = boolQuery(req.query, 'stream', true) && !boolQuery(req.query, 'one-shot');
  const out = reply.stream(200, 'application/json');
  const counters: CpuCounters = { cpu: 0, system: 0 };
  let previous: ReturnType<typeof statsDocument> | undefined;
  try {
    do {
      const [sample] = await ctx.engine.stats([record.id], stream ? 1000 : 500).catch(() => []);
      if (!sample) {
        out.write(`${JSON.stringify(zeroStats(record))}\n`);
        break;
      }
      const doc = statsDocument(sample, counters, previous, stream ? 1000 : 500);
      previous = doc;
      out.write(`${JSON.stringify(doc)}\n`);
    } while (stream && !req.signal.aborted);
  } finally {
    out.end();
  }
};

export const resize: Handler = async (ctx, req, reply) => {
  const record = resolveContainer(ctx, req.params.id);
  const h = intQuery(req.query, 'h') ?? 0;
  const w = intQuery(req.query, 'w') ?? 0;
  const status = ctx.engine.containerView(record.id).derived.status;
  if (status !== 'running' && status !== 'paused') throw new FailedPreconditionError(`Container ${record.id} is not running`);
  if (h > 0 && w > 0) await ctx.attach.resize(ctx.engine, record.id, h, w);
  reply.empty(200);
};
