// Leveled, structured, quiet by default. Every kernel interaction is a debug event; with
// --explain the same events are narrated as plain sentences (src/log/explain.ts).
import { renderExplanation } from './explain';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface LoggerOptions {
  level?: Level;
  explain?: boolean;
  format?: 'text' | 'json';
  sink?: (line: string) => void;
}

export class Logger {
  readonly level: Level;
  readonly explain: boolean;
  private readonly format: 'text' | 'json';
  private readonly sink: (line: string) => void;

  constructor(opts: LoggerOptions = {}) {
    this.level = opts.level ?? 'warn';
    this.explain = opts.explain ?? false;
    this.format = opts.format ?? 'text';
    this.sink = opts.sink ?? ((line) => process.stderr.write(line + '\n'));
  }

  /** True when step events are wanted at all: lets hot paths skip building them. */
  get stepsEnabled(): boolean {
    return this.explain || ORDER[this.level] <= ORDER.debug;
  }

  /** One step of the engine or the C core: narrated with --explain, a debug event otherwise. */
  step(component: string, event: string, fields: Fields = {}): void {
    if (this.explain) {
      const text = renderExplanation(component, event, fields);
      if (text) this.sink(`[${component}] ${text}`);
    }
    this.write('debug', component, event, fields);
  }

  debug(component: string, msg: string, fields: Fields = {}): void { this.write('debug', component, msg, fields); }
  info(component: string, msg: string, fields: Fields = {}): void { this.write('info', component, msg, fields); }
  warn(component: string, msg: string, fields: Fields = {}): void { this.write('warn', component, msg, fields); }
  error(component: string, msg: string, fields: Fields = {}): void { this.write('error', component, msg, fields); }

  private write(level: Level, component: string, msg: string, fields: Fields): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const time = new Date().toISOString();
    if (this.format === 'json') {
      this.sink(JSON.stringify({ level, time, component, msg, ...fields }));
      return;
    }
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s|"/.test(v) ? v : JSON.stringify(v)}`)
      .join(' ');
    this.sink(`${time} ${level.toUpperCase().padEnd(5)} ${component}: ${msg}${kv ? ' ' + kv : ''}`);
  }
}

export const silentLogger = new Logger({ level: 'error', sink: () => undefined });
