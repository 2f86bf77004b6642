// docker's Config.Healthcheck (HealthConfig: durations in nanoseconds, zero meaning "the default"):
// built from run's --health-* flags, merged with the image's HEALTHCHECK, checked by the engine
// (as dockerd checks it, so API callers get the same errors), and resolved into the probe the
// container's monitor schedules.
import { InvalidArgumentError } from '../../errors/errors';
import type { HealthConfig } from '../../image/oci';
import { parseGoDuration } from './duration';

export type { HealthConfig };

/** docker's defaults (daemon/health.go). */
export const HEALTH_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3 };
/** Longest probe output kept, and how many results. */
export const MAX_OUTPUT_BYTES = 4096;
export const MAX_LOG_ENTRIES = 5;

export interface HealthFlags {
  cmd?: string;
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: string;
  none: boolean;
}

function flagDuration(flag: string, text: string | undefined): number {
  if (text === undefined) return 0;
  try {
    return parseGoDuration(text);
  } catch (err) {
    throw new InvalidArgumentError(`invalid argument ${JSON.stringify(text)} for "--${flag}" flag: ${(err as Error).message}`);
  }
}

/** What docker's CLI sends for run's --health-* flags (undefined: none given, the image's applies). */
export function healthConfigFromFlags(f: HealthFlags): HealthConfig | undefined {
  if (f.retries !== undefined && !/^-?\d+$/.test(f.retries)) {
    throw new InvalidArgumentError(`invalid argument ${JSON.stringify(f.retries)} for "--health-retries" flag: strconv.ParseInt: parsing ${JSON.stringify(f.retries)}: invalid syntax`);
  }
  const c = {
    Interval: flagDuration('health-interval', f.interval), Timeout: flagDuration('health-timeout', f.timeout),
    StartPeriod: flagDuration('health-start-period', f.startPeriod), StartInterval: flagDuration('health-start-interval', f.startInterval),
    Retries: f.retries === undefined ? 0 : Number(f.retries),
  };
  const any = (f.cmd ?? '') !== '' || Object.values(c).some((v) => v !== 0);
  if (f.none) {
    if (any) throw new InvalidArgumentError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  const names: Record<string, string> = {
    Interval: 'interval', Timeout: 'timeout', StartPeriod: 'start-period', StartInterval: 'start-interval', Retries: 'retries',
  };
  for (const [k, v] of Object.entries(c)) if (v < 0) throw new InvalidArgumentError(`--health-${names[k]} cannot be negative`);
  const out: HealthConfig = f.cmd ? { Test: ['CMD-SHELL', f.cmd] } : {};
  for (const [k, v] of Object.entries(c)) if (v !== 0) (out as Record<string, number>)[k] = v;
  return out;
}

/** dockerd's checks on a create body's Healthcheck (a JSON value from any front). */
export function validateHealthConfig(hc: unknown): asserts hc is HealthConfig | undefined | null {
  if (hc === undefined || hc === null) return;
  if (typeof hc !== 'object' || Array.isArray(hc)) throw new InvalidArgumentError('invalid JSON: Config.Healthcheck must be an object');
  const h = hc as Record<string, unknown>;
  if (h.Test !== undefined && h.Test !== null && (!Array.isArray(h.Test) || h.Test.some((t) => typeof t !== 'string'))) {
    throw new InvalidArgumentError('invalid JSON: Config.Healthcheck.Test must be a list of strings');
  }
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries']) {
    if (h[k] !== undefined && h[k] !== null && (typeof h[k] !== 'number' || !Number.isInteger(h[k]))) {
      throw new InvalidArgumentError(`invalid JSON: Config.Healthcheck.${k} must be an integer`);
    }
  }
  const c = h as HealthConfig;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const v = c[k] ?? 0;
    if (v !== 0 && v < 1_000_000) throw new InvalidArgumentError(`${k} in Healthcheck cannot be less than 1ms`);
  }
  if ((c.Retries ?? 0) < 0) throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
}

/** dockerd's merge of the container's Healthcheck with the image's: what the user left unset comes from the image. */
export function mergeHealthConfig(user: HealthConfig | undefined | null, image: HealthConfig | undefined | null): HealthConfig | undefined {
  if (!user) return image ? { ...image } : undefined;
  if (!image) return { ...user };
  const out: HealthConfig = { ...user };
  if (!out.Test?.length && image.Test?.length) out.Test = [...image.Test];
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!out[k] && image[k]) out[k] = image[k];
  }
  return out;
}

/** A health check the monitor runs: the command and docker's defaults filled in. */
export interface Probe {
  argv: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

const ms = (ns: number | undefined, fallback: number) => (ns ? Math.max(1, Math.round(ns / 1e6)) : fallback);

/** undefined: no health check (none configured, NONE, or a type docker ignores). */
export function probeOf(hc: HealthConfig | undefined | null): Probe | undefined {
  const test = hc?.Test ?? [];
  let argv: string[];
  if (test[0] === 'CMD' && test.length > 1) argv = test.slice(1);
  else if (test[0] === 'CMD-SHELL' && test.length > 1) argv = ['/bin/sh', '-c', ...test.slice(1)];
  else return undefined;
  const d = HEALTH_DEFAULTS;
  return {
    argv, intervalMs: ms(hc!.Interval, d.intervalMs), timeoutMs: ms(hc!.Timeout, d.timeoutMs), startPeriodMs: ms(hc!.StartPeriod, d.startPeriodMs),
    startIntervalMs: ms(hc!.StartInterval, d.startIntervalMs), retries: hc!.Retries && hc!.Retries > 0 ? hc!.Retries : d.retries,
  };
}

/** Config.Healthcheck of a new container: the user's merged with the image's, left out when neither has one. */
export function healthcheckOf(user: HealthConfig | undefined | null, image: HealthConfig | undefined | null): { Healthcheck?: HealthConfig } {
  const merged = mergeHealthConfig(user, image);
  return merged ? { Healthcheck: merged } : {};
}
