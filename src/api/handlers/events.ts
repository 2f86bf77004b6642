// GET /events: docker's event messages as a stream of JSON lines. Without `since` only new events
// come (docker's default); with `until` the stream ends at that time; filters as docker's.
import type { Handler } from '../context';
import { strQuery } from '../http/request';
import { parseFilters } from '../filters';
import { unixTimeArg } from './container-streams';
import { InvalidArgumentError } from '../../errors/errors';
import { EVENT_FILTERS, matchesEvent } from '../../engine/filters';
import type { EngineEvent } from '../../engine/events';

export function eventMessage(e: EngineEvent) {
  return {
    ...(e.type === 'container' ? { status: e.action, id: e.id, from: e.attributes.image ?? '' } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: e.time,
    timeNano: e.timeNano,
  };
}

export const events: Handler = async (ctx, req, reply) => {
  const filters = parseFilters(req.query.get('filters'));
  for (const key of filters.keys()) if (!EVENT_FILTERS.includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  const nowNs = Date.now() * 1e6;
  const since = unixTimeArg(strQuery(req.query, 'since'), 'since');
  const until = unixTimeArg(strQuery(req.query, 'until'), 'until');
  if (since !== undefined && until !== undefined && until < since) throw new InvalidArgumentError('`since` time must be before `until` time');
  const out = reply.stream(200, 'application/json');
  // nothing to replay and an end already past: docker answers with an empty stream
  if (since === undefined && until !== undefined && until <= nowNs) {
    out.end();
    return;
  }
  try {
    for await (const e of ctx.engine.events({ sinceNs: since ?? nowNs, ...(until !== undefined ? { untilNs: until } : {}), follow: true, signal: req.signal })) {
      if (req.signal.aborted) break;
      if (matchesEvent(e, filters)) out.write(`${JSON.stringify(eventMessage(e))}\n`);
    }
  } finally {
    out.end();
  }
};
