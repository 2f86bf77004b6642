// docker's --detach-keys: a comma-separated key sequence ("ctrl-p,ctrl-q", "ctrl-a,x"), each a
// single character or ctrl-@ ctrl-a … ctrl-z ctrl-[ ctrl-\ ctrl-] ctrl-^ ctrl-_ (docker's
// term.ToBytes). While typed, a prefix of the sequence is held back; the whole sequence detaches,
// anything else sends the held bytes on (docker's escape proxy).
import { InvalidArgumentError } from '../errors/errors';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

const CTRL_NAMES = ['@', ...'abcdefghijklmnopqrstuvwxyz', '[', '\\', ']', '^', '_'];

export function parseDetachKeys(text: string): Buffer {
  const codes: number[] = [];
  for (const key of text.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/.exec(key);
    const code = m ? CTRL_NAMES.indexOf(m[1]) : -1;
    if (code < 0) throw new InvalidArgumentError(`invalid detach keys (${text}): unknown character '${key}'`, { hint: 'use a sequence like ctrl-p,ctrl-q or ctrl-a,x' });
    codes.push(code);
  }
  return Buffer.from(codes);
}

export class DetachMatcher {
  private held = 0;

  constructor(private readonly keys: Buffer) {}

  /** The bytes to send on, and whether the sequence was completed (what follows it is dropped). */
  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.held]) {
        this.held++;
        if (this.held === this.keys.length) {
          this.held = 0;
          return { forward: Buffer.from(out), detach: true };
        }
        continue;
      }
      out.push(...this.keys.subarray(0, this.held));
      this.held = 0;
      if (byte === this.keys[0]) this.held = 1;
      else out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}

/** exec -it's keys for the C relay (a latin1 string); ctrl-@ (a NUL byte) cannot travel in the plan. */
export function execDetachKeys(text: string | undefined): string {
  const keys = parseDetachKeys(text ?? DEFAULT_DETACH_KEYS);
  if (keys.includes(0)) throw new InvalidArgumentError(`invalid detach keys (${text}): ctrl-@ cannot detach an exec`);
  return keys.toString('latin1');
}
