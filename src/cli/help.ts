// Usage text in docker's layout.
import type { OptionSpec } from './argv';
import type { AnyCommand } from './command';

function optionLines(options: readonly OptionSpec[]): string {
  const rows = options.filter((o) => !o.hidden).map((o) => {
    const names = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'bool' ? '' : ` ${o.value ?? (o.type === 'list' ? 'list' : 'string')}`}`;
    return [names, o.description] as const;
  });
  const width = Math.max(0, ...rows.map(([n]) => n.length)) + 3;
  return rows.map(([n, d]) => `  ${n.padEnd(width)}${d}`).join('\n');
}

export function renderHelp(cmd: AnyCommand): string {
  return `\nUsage:  mydocker ${cmd.name} ${cmd.usage}\n\n${cmd.summary}\n\nOptions:\n${optionLines(cmd.options)}\n`;
}

export function renderMainHelp(global: readonly OptionSpec[], commands: string[]): string {
  return `\nUsage:  mydocker [OPTIONS] COMMAND\n\nA container engine in TypeScript with a small C core\n\nOptions:\n${optionLines(global)}\n\nCommands:\n${commands.map((c) => `  ${c}`).join('\n')}\n\nRun 'mydocker COMMAND --help' for more information on a command.\n`;
}
