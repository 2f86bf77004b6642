// docker's prune prompt: "WARNING! …  Are you sure you want to continue? [y/N]", answered by one
// line on stdin (a terminal or a pipe); anything but y/yes, or no input at all, means no.
import type { CliContext } from './command';

async function readLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  process.stdin.pause();
  return text.split('\n')[0];
}

export async function confirm(ctx: CliContext, warning: string): Promise<boolean> {
  ctx.io.stdout.write(`WARNING! ${warning}\nAre you sure you want to continue? [y/N] `);
  return /^y(es)?$/i.test((await readLine()).trim());
}
