// docker's --log-driver / --log-opt (HostConfig.LogConfig) for the three drivers mydocker has:
// json-file (the monitor's log, what `logs` reads), local (docker's options, stored in the same
// line format: docs/cli-run-client-flags.md), none (no log file at all). One check for every front.
import { InvalidArgumentError } from '../errors/errors';

export type LogDriver = 'json-file' | 'local' | 'none';

export interface LogConfig {
  Type: LogDriver;
  Config: Record<string, string>;
}

export const LOG_DRIVERS: readonly LogDriver[] = ['json-file', 'local', 'none'];

/** docker's sizes for log options: decimal units (10m = 10,000,000 bytes). */
export function logSizeBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(value);
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * ({ '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2].toLowerCase()] ?? 1));
}

const positive = (v: string) => /^[1-9]\d*$/.test(v);
const bool = (v: string) => /^(true|false|1|0)$/i.test(v);

/** The options each driver takes, with the check of its value. */
const OPTIONS: Record<LogDriver, Record<string, { ok: (v: string) => boolean; expect: string }>> = {
  'json-file': {
    'max-size': { ok: (v) => logSizeBytes(v) !== undefined, expect: 'a size like 10m' },
    'max-file': { ok: positive, expect: 'a positive integer' },
  },
  local: {
    'max-size': { ok: (v) => logSizeBytes(v) !== undefined, expect: 'a size like 10m' },
    'max-file': { ok: positive, expect: 'a positive integer' },
    // accepted as docker's local driver takes it; rotated files stay uncompressed (the docs say so)
    compress: { ok: bool, expect: 'true or false' },
  },
  none: {},
};

export function isLogDriver(name: string): name is LogDriver {
  return (LOG_DRIVERS as readonly string[]).includes(name);
}

/** --log-driver and --log-opt KEY=VALUE entries, checked as docker's drivers check them. */
export function parseLogConfig(driver: string | undefined, opts: string[]): LogConfig {
  const type = driver === undefined || driver === '' ? 'json-file' : driver;
  if (!isLogDriver(type)) {
    throw new InvalidArgumentError(`logging driver ${JSON.stringify(type)} is not supported by mydocker (json-file, local or none)`);
  }
  const known = OPTIONS[type];
  const config: Record<string, string> = {};
  for (const o of opts) {
    const eq = o.indexOf('=');
    if (eq < 1) throw new InvalidArgumentError(`invalid log opt "${o}": expected key=value`);
    const key = o.slice(0, eq);
    const value = o.slice(eq + 1);
    const rule = known[key];
    if (!rule) throw new InvalidArgumentError(`unknown log opt '${key}' for ${type} log driver`);
    if (!rule.ok(value)) throw new InvalidArgumentError(`invalid log opt ${key} "${value}": expected ${rule.expect}`);
    config[key] = value;
  }
  if (type === 'json-file' && config['max-file'] && Number(config['max-file']) > 1 && !config['max-size']) {
    throw new InvalidArgumentError('max-file cannot be set without max-size');
  }
  return { Type: type, Config: config };
}

/** What the monitor is told: the rotation limits, local's defaults (docker's: 20 MB x 5) when unset. */
export function logRotation(cfg: LogConfig): { maxSize?: number; maxFiles?: number } {
  const size = cfg.Config['max-size'] ?? (cfg.Type === 'local' ? '20m' : undefined);
  const files = cfg.Config['max-file'] ?? (cfg.Type === 'local' ? '5' : undefined);
  return { ...(size ? { maxSize: logSizeBytes(size) } : {}), ...(files ? { maxFiles: Number(files) } : {}) };
}
