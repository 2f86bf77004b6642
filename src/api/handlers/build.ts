// POST /build (docker's classic builder API, DOCKER_BUILDKIT=0): the body is a tar of the context (plain or gzip),
// the query names tags (t, repeated), dockerfile, buildargs/labels (JSON objects), nocache, pull, target, q and
// networkmode. Progress is docker's JSON stream {"stream":"…"}, ending with {"aux":{"ID":"sha256:…"}}.
import type { Handler } from '../context';
import { boolQuery, strQuery } from '../http/request';
import { withProgress } from '../progress';
import { InvalidArgumentError } from '../../errors/errors';

function jsonMap(text: string | undefined, name: string): Record<string, string> {
  if (!text) return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`invalid ${name}: not a JSON object`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidArgumentError(`invalid ${name}: not a JSON object`);
  const out: Record<string, string> = {};
  // docker sends null for `--build-arg NAME` with NAME unset: the arg is then not given
  for (const [k, v] of Object.entries(doc)) if (typeof v === 'string') out[k] = v;
  return out;
}

export const build: Handler = async (ctx, req, reply) => {
  const q = req.query;
  if (strQuery(q, 'remote')) throw new InvalidArgumentError('remote build contexts are not supported here: no network');
  const quiet = boolQuery(q, 'q');
  const network = strQuery(q, 'networkmode');
  const target = strQuery(q, 'target');
  const dockerfile = strQuery(q, 'dockerfile');
  const opts = {
    tags: q.getAll('t').filter(Boolean), buildArgs: jsonMap(strQuery(q, 'buildargs'), 'buildargs'), labels: jsonMap(strQuery(q, 'labels'), 'labels'),
    noCache: boolQuery(q, 'nocache'), pull: boolQuery(q, 'pull'), signal: req.signal, network: !network || network === 'default' ? 'bridge' : network,
    ...(target ? { target } : {}),
  };
  await withProgress(reply, async (progress) => {
    const result = await ctx.engine.buildImage(opts, { context: req.body, ...(dockerfile ? { dockerfile } : {}) },
      (text) => { if (!quiet) progress.write({ stream: text }); });
    progress.write({ aux: { ID: result.id } });
    if (quiet) progress.write({ stream: `${result.id}\n` }); // what docker -q prints
  });
};
