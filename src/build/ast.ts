// The parsed Dockerfile that the builder executes: the contract between the parser (src/build/parse.ts) and the
// executor (src/engine/build/). Pure data; line numbers are 1-based lines of the Dockerfile for error messages.

/** A heredoc attached to an instruction (`RUN <<EOF` / `COPY <<file.txt /dst`). */
export interface Heredoc {
  /** The delimiter word as written, without quotes or the leading '-'. */
  name: string;
  /** The body, with leading tabs removed for `<<-`. */
  content: string;
  /** Quoted delimiter (<<"EOF" or <<'EOF'): the body is taken literally, no variable expansion. */
  literal: boolean;
}

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY, ... */
  keyword: string;
  /** First and last line of the instruction (continuations included). */
  line: number;
  endLine: number;
  /** Leading --name=value flags (COPY --from=x --chown=u:g, RUN --network=none, FROM --platform=...); repeated names keep every value.
   *  Keyed by the name without dashes ('from', 'chown'); a bare boolean flag (--link) is 'true'. Only docker's flags per
   *  instruction are accepted (repeatable: RUN --mount, COPY/ADD --exclude). */
  flags: Record<string, string[]>;
  /** JSON (exec) form: the array as written; shell form: undefined. HEALTHCHECK: the array after CMD (`text` keeps "CMD ..."). */
  json?: string[];
  /** The instruction's text after keyword and flags, continuations joined (escape char + newline removed), not expanded. */
  text: string;
  heredocs: Heredoc[];
  /** For ONBUILD: the wrapped instruction. */
  inner?: Instruction;
}

export interface Dockerfile {
  /** Parser directives at the top: `# escape=` (default '\\') and `# syntax=` (accepted, not used). */
  escape: string;
  syntax?: string;
  /** ARGs before the first FROM (global build args). */
  globalArgs: Instruction[];
  stages: Stage[];
}

export interface Stage {
  /** FROM's image reference text (not expanded: may hold $ARG) and its `AS name`, lower-cased. */
  from: Instruction;
  baseRef: string;
  name?: string;
  index: number;
  instructions: Instruction[];
}
