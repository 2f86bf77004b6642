// A code runner for untrusted shell snippets: each one runs in a fresh container with no network,
// 64 MiB of memory, at most 64 processes, half a CPU, a read-only root with a small writable /tmp,
// no capabilities, and 3 seconds of wall time. Output is capped at 64 KiB per stream.
// Run it as root: node examples/code-runner.mjs   (MYDOCKER_ROOT / MYDOCKER_RUNROOT pick the store)
import { Engine } from 'mydocker';

const engine = Engine.open();

async function runSnippet(code) {
  return engine.run({
    cmd: ['sh'], // busybox sh (the built-in image), reading the snippet from stdin
    input: code,
    network: 'none',
    memory: '64m',
    pids: 64,
    cpus: 0.5,
    timeout: 3000,
    readOnlyRootfs: true,
    volumes: [{ type: 'tmpfs', target: '/tmp', sizeBytes: 8 << 20 }],
    capDrop: ['ALL'],
    securityOpt: ['no-new-privileges'],
    user: '65534:65534',
    maxOutputBytes: 64 << 10,
  });
}

const snippets = {
  hello: 'echo "hello from $(id -u)"; echo oops >&2; exit 3',
  'fork-bomb': 'bomb() { bomb | bomb & }; bomb; sleep 10',
  'memory-hog': 'tail /dev/zero',
  network: 'echo "interfaces:" $(tail -n +3 /proc/net/dev | cut -d: -f1)',
  'endless-loop': 'while :; do :; done',
};

for (const [name, code] of Object.entries(snippets)) {
  const r = await runSnippet(code);
  console.log(JSON.stringify({
    name, exitCode: r.exitCode, timedOut: r.timedOut, oomKilled: r.oomKilled, stdout: r.stdout.trim(), stderr: r.stderr.trim().split('\n')[0],
  }));
}
await engine.close();
