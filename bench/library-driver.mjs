// Launch-to-exit of `true` from a running Node program, interleaved A B A B:
//   A: Engine.run({ cmd: ['true'], network: 'none' }) through the library (resolves with the exit code)
//   A': the same until its post-exit work (unmount, state removal, auto-remove) is done too
//   B: `runc run` of the same busybox rootfs, spawned from this process, until it exits
// Usage: node bench/library-driver.mjs ROOT RUNROOT RUNC_ROOT BUNDLE [RUNS]
import { spawn } from 'node:child_process';
import { Engine } from 'mydocker';

const [root, runroot, runcRoot, bundle, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 30);
const engine = Engine.open({ root, runroot });

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runc(i) {
  return new Promise((resolve, reject) => {
    const p = spawn('runc', ['--root', runcRoot, 'run', '-b', bundle, `bench-${process.pid}-${i}`], { stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`runc run exited ${code}`))));
  });
}

async function library() {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await engine.run({ cmd: ['true'], network: 'none' });
  const exit = ms(t0);
  if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}: ${r.stderr}`);
  await engine.close();
  const cpu = process.cpuUsage(cpu0);
  return [exit, ms(t0), (cpu.user + cpu.system) / 1000];
}

for (let i = 0; i < 3; i++) { await library(); await runc(`w${i}`); } // warm-up: page cache, image config, code
const a = [], a2 = [], b = [], cpu = [];
for (let i = 0; i < runs; i++) {
  const [exit, settled, used] = await library();
  a.push(exit);
  a2.push(settled);
  cpu.push(used);
  const t0 = process.hrtime.bigint();
  await runc(i);
  b.push(ms(t0));
}
const f = (x) => x.toFixed(1).padStart(6);
console.log(`launch-to-exit of true from a running Node program, median of ${runs} interleaved runs`);
console.log(`  library Engine.run (exit code in hand) ${f(median(a))} ms  (min ${f(Math.min(...a))})`);
console.log(`  library, post-exit work done too       ${f(median(a2))} ms  (min ${f(Math.min(...a2))})`);
console.log(`  runc run (same rootfs)                 ${f(median(b))} ms  (min ${f(Math.min(...b))})`);
console.log(`  ratio library / runc: ${(median(a) / median(b)).toFixed(2)}x (target <= 1.2x); with post-exit work ${(median(a2) / median(b)).toFixed(2)}x`);
console.log(`  ratio of the minimums (least disturbed by other load): ${(Math.min(...a) / Math.min(...b)).toFixed(2)}x`);
console.log(`  CPU of this Node process per library run (main thread and libuv threads): median ${f(median(cpu))} ms`);
