import { list, str, type ParsedArgs } from '../argv';
import type { CommandDefinition } from '../command';
import type { EngineEvent } from '../../engine/events';
import { engineFor } from '../engine-deps';
import { EVENT_FILTERS, matchesEvent, parseFilters } from '../../engine/filters';
import { parseTimeArg } from '../../engine/lifecycle/logs';
import { renderTemplate } from '../format/template';

interface EventsOptions { since?: string; until?: string; filters: string[]; format?: string }


function line(e: EngineEvent, format: string | undefined): string {
  if (format === 'json') return JSON.stringify(e);
  if (format) return renderTemplate(format, { ...e, Type: e.type, Action: e.action, ID: e.id, Actor: { ID: e.id, Attributes: e.attributes } });
  const when = new Date(Math.floor(e.timeNano / 1e6)).toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(e.timeNano % 1e6).padStart(6, '0')}Z`);
  const attrs = Object.entries(e.attributes).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${when} ${e.type} ${e.action} ${e.id} (${attrs})`;
}

export const command: CommandDefinition<EventsOptions> = {
  name: 'events',
  usage: '[OPTIONS]',
  summary: 'Get real time events from the engine (from its append-only event log)',
  options: [
    { name: 'since', type: 'string', description: 'Show all events created since timestamp' },
    { name: 'until', type: 'string', description: 'Stream events until this timestamp' },
    { name: 'filter', short: 'f', type: 'list', description: 'Filter output based on conditions provided (type, event, container, image, label)' },
    { name: 'format', type: 'string', description: 'Format the output: json or a Go-like template' },
  ],
  toOptions(args: ParsedArgs) {
    const since = str(args, 'since');
    const until = str(args, 'until');
    return {
      since: since === undefined ? undefined : parseTimeArg(since, '--since'),
      until: until === undefined ? undefined : parseTimeArg(until, '--until'),
      filters: list(args, 'filter'), format: str(args, 'format'),
    };
  },
  async run(opts, ctx) {
    const filters = parseFilters(opts.filters, EVENT_FILTERS);
    const events = engineFor(ctx).events({
      sinceNs: opts.since ? Date.parse(opts.since) * 1e6 : Date.now() * 1e6,
      ...(opts.until ? { untilNs: Date.parse(opts.until) * 1e6 } : {}),
      follow: true,
    });
    for await (const e of events) if (matchesEvent(e, filters)) ctx.io.stdout.write(line(e, opts.format) + '\n');
    return 0;
  },
};
