// What differs between any two runs of the same scenario, even on one engine, is taken out before
// outputs are compared: container and image ids, relative times, podman's "localhost/" on short
// image names (docker shows the name as given), trailing blanks.

/** Ids (64 or 12 hex digits, with or without sha256:) become <id>. */
export function normalizeIds(s: string): string {
  return s.replace(/\b(sha256:)?[0-9a-f]{64}\b/g, '<id>').replace(/\b(?=[0-9]*[a-f])[0-9a-f]{12}\b/g, '<id>');
}

/** "Up 3 seconds", "Exited (4) Less than a second ago" → "Up <time>", "Exited (4) <time>". */
export function normalizeTimes(s: string): string {
  return s
    .replace(/\b(Less than a second|About an? \w+|\d+ \w+) ago\b/g, '<time>')
    .replace(/\bUp (Less than a second|About an? \w+|\d+ \w+)/g, 'Up <time>');
}

/** podman qualifies short names of local images with localhost/; docker does not. */
export function normalizeLocalhost(s: string): string {
  return s.replace(/(^|[\s:'"=])localhost\//gm, '$1');
}

export function normalize(s: string): string {
  return normalizeLocalhost(normalizeTimes(normalizeIds(s))).split('\n').map((l) => l.trimEnd()).join('\n');
}

/** Helpers for a step's own normalization. */
export const sortLines = (s: string): string => s.split('\n').filter(Boolean).sort().join('\n');
export const keepLines = (re: RegExp) => (s: string): string => s.split('\n').filter((l) => re.test(l)).join('\n');
export const dropLines = (re: RegExp) => (s: string): string => s.split('\n').filter((l) => !re.test(l)).join('\n');
export const squeeze = (s: string): string => s.split('\n').map((l) => l.trim().split(/\s+/).join(' ')).join('\n');
export const firstLine = (s: string): string => s.split('\n')[0] ?? '';
