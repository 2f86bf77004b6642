// A failing comparison prints both engines' results next to each other, line by line, marking the
// lines that differ, so the reader sees at once what mydocker did where podman (and docker) agree.

export interface Observed {
  code: number | null;
  stdout: string;
  stderr: string;
}

const WIDTH = 60;

function cell(s: string | undefined): string {
  const t = (s ?? '').replace(/\t/g, '→');
  return t.length > WIDTH ? `${t.slice(0, WIDTH - 1)}…` : t.padEnd(WIDTH);
}

/** Lines as shown: a text without a final newline ends in a marked row, so that difference shows too. */
function rows(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else if (text !== '') lines.push('(no newline at end)');
  return lines;
}

export function sideBySide(leftName: string, left: string, rightName: string, right: string): string {
  const a = rows(left);
  const b = rows(right);
  const out = [`  ${cell(leftName)} | ${rightName}`, `  ${'-'.repeat(WIDTH)} | ${'-'.repeat(WIDTH)}`];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    out.push(`${a[i] === b[i] ? ' ' : '!'} ${cell(a[i])} | ${b[i] ?? ''}`);
  }
  return out.join('\n');
}

/** Both texts one after the other, for lines too long to stand side by side. */
function stacked(leftName: string, left: string, rightName: string, right: string): string {
  const block = (name: string, text: string) => [`  --- ${name}`, ...rows(text).map((l) => `  ${l}`)];
  return [...block(leftName, left), ...block(rightName, right)].join('\n');
}

function shown(leftName: string, left: string, rightName: string, right: string): string {
  const fits = [...rows(left), ...rows(right)].every((l) => l.length <= WIDTH);
  return fits ? sideBySide(leftName, left, rightName, right) : stacked(leftName, left, rightName, right);
}

/** The failure message of one step: what was compared, then both sides (raw stderr too, for the why). */
export function describeMismatch(step: string, what: string, mine: Observed, theirs: Observed, compared: { mine: string; theirs: string }): string {
  return [
    `step \`${step}\`: ${what} differs`,
    shown('mydocker (compared)', compared.mine, 'podman (compared)', compared.theirs),
    '',
    shown(`mydocker exit ${mine.code}, stderr`, mine.stderr, `podman exit ${theirs.code}, stderr`, theirs.stderr),
  ].join('\n');
}
