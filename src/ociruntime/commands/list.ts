import { flag, str } from '../../cli/argv';
import type { RuntimeCommand } from '../command';

export const command: RuntimeCommand<{ format: string; quiet: boolean }> = {
  name: 'list',
  usage: '[--format table|json] [--quiet]',
  summary: 'list the containers under --root',
  options: [
    { name: 'format', short: 'f', type: 'string', description: 'table or json' },
    { name: 'quiet', short: 'q', type: 'bool', description: 'ids only' },
  ],
  toOptions: (args) => ({ format: str(args, 'format') ?? 'table', quiet: flag(args, 'quiet') }),
  async run(o, ctx) {
    const states = ctx.runtime.list().flatMap((c) => {
      try {
        return [c.ociState(ctx.log)];
      } catch {
        return []; // deleted meanwhile
      }
    });
    if (o.quiet) ctx.stdout.write(states.map((s) => `${s.id}\n`).join(''));
    else if (o.format === 'json') ctx.stdout.write(`${JSON.stringify(states)}\n`);
    else {
      const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...states.map((s) => [s.id, String(s.pid), s.status, s.bundle, s.created, 'root'])];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      ctx.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd()).join('\n') + '\n');
    }
    return 0;
  },
};
