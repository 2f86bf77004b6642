// Usage text in docker's layout: "Usage:", the summary, "Aliases:", the options; the main help grouped as
// docker's (Common Commands, Management Commands, Commands), each command with its one-line summary.
import type { OptionSpec } from './argv';
import type { AnyCommand } from './command';
import { COMMAND_SUMMARIES, type CommandCategory } from './command-summaries';

function optionLines(options: readonly OptionSpec[]): string {
  const rows = options.filter((o) => !o.hidden).map((o) => {
    const names = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'bool' ? '' : ` ${o.value ?? (o.type === 'list' ? 'list' : 'string')}`}`;
    return [names, o.description] as const;
  });
  const width = Math.max(0, ...rows.map(([n]) => n.length)) + 3;
  return rows.map(([n, d]) => `  ${n.padEnd(width)}${d}`).join('\n');
}

/** "  name        summary" rows, the names padded as docker pads them (at least 12 columns). */
export function commandLines(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(11, ...rows.map(([n]) => n.length)) + 1;
  return rows.map(([n, s]) => (s ? `  ${n.padEnd(width)}${s}` : `  ${n}`)).join('\n');
}

export function renderHelp(cmd: AnyCommand, aliases: readonly string[] = []): string {
  const options = cmd.options.filter((o) => !o.hidden);
  return [
    `Usage:  mydocker ${cmd.name} ${cmd.usage}`.trimEnd(),
    '',
    cmd.summary,
    ...(aliases.length ? ['', 'Aliases:', `  ${aliases.join(', ')}`] : []),
    ...(options.length ? ['', 'Options:', optionLines(cmd.options)] : []),
    '',
  ].join('\n');
}

const SECTIONS: readonly [CommandCategory, string][] = [
  ['common', 'Common Commands'],
  ['management', 'Management Commands'],
  ['other', 'Commands'],
];

export function renderMainHelp(global: readonly OptionSpec[], commands: readonly string[]): string {
  const byCategory = (cat: CommandCategory) => {
    const names = commands.filter((c) => (COMMAND_SUMMARIES[c]?.category ?? 'other') === cat);
    // common commands keep docker's order; the others are alphabetical, as docker lists them
    if (cat !== 'common') names.sort();
    else names.sort((a, b) => order(a) - order(b));
    return names.map((n) => [n, COMMAND_SUMMARIES[n]?.summary ?? ''] as const);
  };
  const sections = SECTIONS.map(([cat, title]) => [title, byCategory(cat)] as const)
    .filter(([, rows]) => rows.length)
    .map(([title, rows]) => `${title}:\n${commandLines(rows)}\n`);
  return [
    'Usage:  mydocker [OPTIONS] COMMAND',
    '',
    'A container engine in TypeScript with a small C core',
    '',
    ...sections.map((s) => `${s}`),
    `Global Options:\n${optionLines(global)}\n`,
    "Run 'mydocker COMMAND --help' for more information on a command.",
    '',
  ].join('\n');
}

const COMMON_ORDER = Object.keys(COMMAND_SUMMARIES);

function order(name: string): number {
  const i = COMMON_ORDER.indexOf(name);
  return i < 0 ? COMMON_ORDER.length : i;
}
