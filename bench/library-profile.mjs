// N library runs of `true` in one process, for profiling the library path (not a benchmark):
//   node --cpu-prof bench/library-profile.mjs ROOT RUNROOT [N]
//   strace -f -tt -o trace node bench/library-profile.mjs ROOT RUNROOT 1   (the marks go to stderr)
import { Engine } from 'mydocker';
const [root, runroot, n] = process.argv.slice(2);
const e = Engine.open({ root, runroot });
await e.run({ cmd: ['true'], network: 'none' }); await e.close();
process.stderr.write('--- START\n');
for (let i = 0; i < Number(n ?? 1); i++) { await e.run({ cmd: ['true'], network: 'none' }); await e.close(); }
process.stderr.write('--- END\n');
