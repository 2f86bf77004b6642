// The differential suite: every scenario of scenarios.ts runs step by step against mydocker and
// against podman (runc, private storage: helpers/podman.ts), both with the same busybox, and each
// step compares what the scenario says (exit codes, normalized outputs) where docker and podman
// agree. A mismatch fails with both sides printed next to each other. docs/differential-tests.md.
import { after, before, describe, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, type Result } from '../helpers/sandbox';
import { Podman } from '../helpers/podman';
import { runCommand } from '../helpers/host';
import { mydockerEngine, podmanEngine, RUNC, skipReason, type Engine } from './engines';
import { normalize } from './normalize';
import { describeMismatch } from './side-by-side';
import type { Scenario, Step } from './scenario';
import { scenarios } from './scenarios';

/** At or under the hard limit: raising it needs CAP_SYS_RESOURCE, which root lacks here. */
function nprocLimit(): number {
  const hard = runCommand('sh', ['-c', 'ulimit -Hu']).stdout.trim();
  return hard === 'unlimited' ? 32768 : Math.min(Number(hard) || 4096, 32768);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface World {
  sb: Sandbox;
  pm: Podman;
  engines: [Engine, Engine];
  vars: Record<string, string>;
}

function expand(words: string[], vars: Record<string, string>, engine: Engine): string[] {
  const all: Record<string, string> = { ...vars, out: engine.out };
  return words.map((w) => w.replace(/\{(\w+)\}/g, (m, k: string) => all[k] ?? m));
}

/** Runs a step on one engine; `until` repeats it while stdout does not match yet (up to 10 s). */
async function runStep(step: Step, engine: Engine, vars: Record<string, string>): Promise<Result> {
  const once = (): Promise<Result> => {
    if (step.host) {
      const [cmd, ...rest] = expand(step.host, vars, engine);
      return Promise.resolve(runCommand(cmd, rest));
    }
    return engine.start(expand(step.args ?? [], vars, engine), step.input);
  };
  let r = await once();
  // a wait for the container to get ready (its "ready" line), not an assertion on time
  for (const deadline = Date.now() + 10_000; step.until && !step.until.test(r.stdout) && Date.now() < deadline;) {
    sleepMs(100);
    r = await once();
  }
  return r;
}

function compareStep(step: Step, mine: Result, theirs: Result): void {
  const label = (step.host ?? step.args ?? []).join(' ');
  if (step.compare === 'none') {
    assert.ok(mine.code === 0 && theirs.code === 0,
      describeMismatch(label, 'set-up (must succeed in both)', mine, theirs, { mine: `exit ${mine.code}`, theirs: `exit ${theirs.code}` }));
    return;
  }
  const view = (r: Result): string => {
    const out = (step.stdout ?? ((s: string) => s))(normalize(r.stdout));
    const lines = [`exit ${r.code}`];
    if (step.compare === 'stdout' || step.compare === 'output') lines.push('--- stdout', out);
    if (step.compare === 'output') lines.push('--- stderr', normalize(r.stderr));
    return lines.join('\n');
  };
  const a = view(mine);
  const b = view(theirs);
  const what = step.compare === 'code' ? 'the exit code' : step.compare === 'stdout' ? 'exit code or stdout' : 'exit code, stdout or stderr';
  assert.ok(a === b, describeMismatch(label, what, mine, theirs, { mine: a, theirs: b }));
}

async function runScenario(sc: Scenario, w: World): Promise<void> {
  const [mydocker, podman] = w.engines;
  for (const step of sc.steps) {
    // mydocker's command runs in the background while podman's runs (one podman at a time, one store)
    const mine = runStep(step, mydocker, w.vars);
    const theirs = await runStep(step, podman, w.vars);
    compareStep(step, await mine, theirs);
  }
}

/** Why mydocker cannot run the scenario yet (a command or flag that other work adds), or false. */
function missingCommand(sc: Scenario, sb: Sandbox): string | false {
  if (!sc.needs) return false;
  const words = sc.needs.filter((n) => !n.startsWith('-'));
  const flags = sc.needs.filter((n) => n.startsWith('-'));
  const help = sb.run([...words, '--help']);
  if (help.code !== 0) return `mydocker has no \`${words.join(' ')}\` command yet`;
  const missing = flags.filter((f) => !new RegExp(`(^|[\\s,])${f}\\b`).test(help.stdout));
  return missing.length ? `mydocker ${words.join(' ')} has no ${missing.join(' ')} yet` : false;
}

describe('differential: mydocker and podman, the same scenarios', { skip: skipReason() }, () => {
  let world: World | undefined;

  before(() => {
    const sb = new Sandbox('differential');
    const pm = new Podman('diff', { runtime: RUNC });
    world = { sb, pm, engines: [mydockerEngine(sb), podmanEngine(pm)], vars: { nproc: String(nprocLimit()) } };
    const fixture = path.join(sb.dir, 'fixture');
    fs.mkdirSync(fixture);
    fs.writeFileSync(path.join(fixture, 'hello.txt'), 'hello from the host\n');
    world.vars.dir = fixture;
    pm.loadBusybox();
  });

  after(() => {
    if (!world) return;
    const left = world.sb.leftovers();
    world.sb.cleanup();
    const residue = world.pm.cleanup();
    assert.deepEqual(left, [], 'mydocker left mounts or cgroups behind');
    assert.deepEqual(residue, [], 'podman cleanup left things on the host');
  });

  for (const sc of scenarios) {
    test(sc.name, sc.todo ? { todo: sc.todo } : {}, async (t: TestContext) => {
      const w = world;
      assert.ok(w, 'the suite did not set up');
      const missing = missingCommand(sc, w.sb);
      if (missing) {
        t.skip(missing);
        return;
      }
      try {
        await runScenario(sc, w);
      } finally {
        for (const e of w.engines) {
          if (sc.remove) e.forceRemove(sc.remove);
          for (const args of sc.cleanup ?? []) await e.start(expand(args, w.vars, e));
        }
      }
    });
  }
});
