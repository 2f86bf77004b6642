// The shape of a differential scenario: CLI commands run in order against mydocker and against
// podman, with what is compared after each. Placeholders in arguments: {dir} is a host directory
// both engines read (a fixture: hello.txt), {out} a host directory of each engine's own (files it
// writes: -o, cp, a bind mount), {nproc} a process limit at or under this host's hard limit.

/**
 * What a step compares between the engines, after normalization (ids, times, localhost/):
 * - 'code': exit codes only (the outputs differ between docker and podman, or do not matter);
 * - 'stdout': exit code and stdout;
 * - 'output': exit code, stdout and stderr (the container's own output, never an engine's message);
 * - 'none': a set-up step whose result is not compared (it must still succeed on both: exit 0).
 */
export type Compare = 'none' | 'code' | 'stdout' | 'output';

export interface Step {
  /** Engine command (words after the global flags). */
  args?: string[];
  /** Or a host command, run once per engine (with that engine's {out}). */
  host?: string[];
  input?: string;
  compare: Compare;
  /** This step's own normalization of stdout, applied to both engines after the common one. */
  stdout?: (s: string) => string;
  /** Repeats the step (up to 10 s) until stdout matches: waits for a container to be ready. */
  until?: RegExp;
}

export interface Scenario {
  name: string;
  /** What is compared and why; where docker and podman differ, what is left out. */
  why: string;
  steps: Step[];
  /** Containers removed (forced, at once) after the scenario, also when it failed. */
  remove?: string[];
  /** Commands run on both engines after the scenario, also when it failed; results ignored. */
  cleanup?: string[][];
  /**
   * A known difference of mydocker from docker and podman, not fixed yet: the scenario runs as a
   * node:test todo (reported, not failing the suite).
   */
  todo?: string;
  /**
   * A mydocker command (and flag) the scenario needs, e.g. ['diff'] or ['run', '--pull']: skipped
   * while `mydocker COMMAND --help` fails or does not list the flag (other work adds them).
   */
  needs?: string[];
}
