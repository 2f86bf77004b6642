// Detached containers and their lifecycle, daemonless: run -d under a C monitor, ps, logs, exec,
// stop, kill, start, restart, wait, pause, top, stats, rename, cp, inspect, rm, prune, events.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../helpers/sandbox';

let sb: Sandbox;
before(() => {
  sb = new Sandbox('lifecycle');
  assert.equal(sb.run(['run', '--rm', 'busybox', 'true']).code, 0);
});
after(() => {
  sb.cleanup();
  assert.deepEqual(sb.leftovers(), []);
});

function ok(args: string[], input?: string) {
  const r = sb.run(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `mydocker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(fn: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}
const status = (ref: string) => ok(['inspect', '-f', '{{.State.Status}}', ref]).trim();
const stateFile = (id: string) => JSON.parse(fs.readFileSync(path.join(sb.runroot, 'runtime', id, 'state.json'), 'utf8'));

describe('run -d and the monitor', () => {
  test('run -d prints the full id and returns while the container keeps running under its monitor', () => {
    const id = ok(['run', '-d', '--name', 'bg', 'busybox', 'sleep', '60']).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    assert.equal(status('bg'), 'running');
    const state = stateFile(id);
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${state.pid}/status`, 'utf8'))![1]);
    assert.equal(ppid, state.monitorPid, 'the monitor is the parent of the container init');
    assert.match(fs.readFileSync(`/proc/${state.monitorPid}/cmdline`, 'utf8'), /mydocker-monitor/);
    ok(['rm', '-f', 'bg']);
  });

  test('the monitor pid recorded is the init\'s parent, also for 12 run -d at once', async () => {
    // the monitor daemonizes and says its pid on the status socket before "ready": a pid read from the
    // wrong bytes would point at no process (a race under load once did)
    const ids = await Promise.all(Array.from({ length: 12 }, () => new Promise<string>((resolve, reject) => {
      const child = sb.spawn(['run', '-d', '--network', 'none', 'busybox', 'sleep', '60']);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d));
      child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`run -d exited ${code}`))));
    })));
    try {
      for (const id of ids) {
        const state = stateFile(id);
        const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${state.pid}/status`, 'utf8'))![1]);
        assert.equal(ppid, state.monitorPid, `${id.slice(0, 12)}: the monitor is the parent of the container init`);
      }
    } finally {
      ok(['rm', '-f', ...ids]);
    }
  });

  test('a container that exits with 3 shows Exited (3) in ps -a, and 3 in wait and inspect', async () => {
    ok(['run', '-d', '--name', 'three', 'busybox', 'sh', '-c', 'sleep 0.2; exit 3']);
    assert.equal(ok(['wait', 'three']).trim(), '3');
    assert.match(ok(['ps', '-a', '--filter', 'name=three']), /Exited \(3\) (Less than a second|\d+ seconds?) ago\s+three/);
    assert.equal(ok(['inspect', '-f', '{{.State.ExitCode}} {{.State.Status}} {{.State.Running}}', 'three']).trim(), '3 exited false');
    ok(['rm', 'three']);
  });

  test('--rm on a detached container removes it when it exits', async () => {
    const id = ok(['run', '-d', '--rm', 'busybox', 'true']).trim();
    await until(() => !fs.existsSync(path.join(sb.root, 'containers', id)));
  });

  test('create + start, and start -a attaches', () => {
    const id = ok(['create', '--name', 'made', 'busybox', 'echo', 'hello from start']).trim();
    assert.equal(status('made'), 'created');
    assert.match(ok(['ps', '-a', '--filter', 'status=created']), /Created\s+made/);
    assert.equal(ok(['start', '-a', 'made']), 'hello from start\n');
    assert.equal(status(id), 'exited');
    ok(['start', 'made']);
    assert.equal(ok(['wait', 'made']).trim(), '0');
    assert.equal(ok(['logs', 'made']), 'hello from start\nhello from start\n');
    ok(['rm', 'made']);
  });
});

describe('ps', () => {
  test('docker columns, -q, -n, -l, --no-trunc, filters and formats', () => {
    const a = ok(['run', '-d', '--name', 'psa', '-l', 'tier=web', 'busybox', 'sleep', '60']).trim();
    const b = ok(['run', '-d', '--name', 'psb', 'busybox', 'sh', '-c', 'exit 2']).trim();
    ok(['wait', 'psb']);
    const table = ok(['ps']);
    assert.match(table.split('\n')[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.match(table, new RegExp(`${a.slice(0, 12)}\\s+busybox\\s+"sleep 60"\\s+.+ ago\\s+Up .+\\s+psa`));
    assert.doesNotMatch(table, /psb/);
    assert.match(ok(['ps', '-a']), /Exited \(2\) .* ago\s+psb/);
    assert.deepEqual(ok(['ps', '-q']).trim().split('\n'), [a.slice(0, 12)]);
    assert.deepEqual(ok(['ps', '-q', '--no-trunc', '-l']).trim().split('\n'), [b]);
    assert.equal(ok(['ps', '-n', '2', '-q']).trim().split('\n').length, 2);
    assert.equal(ok(['ps', '-a', '-q', '--filter', 'status=exited', '--filter', 'name=ps']).trim(), b.slice(0, 12));
    assert.equal(ok(['ps', '-q', '--filter', 'label=tier=web']).trim(), a.slice(0, 12));
    assert.equal(ok(['ps', '-a', '-q', '--filter', `id=${b.slice(0, 5)}`]).trim(), b.slice(0, 12));
    assert.equal(ok(['ps', '-q', '--filter', 'ancestor=busybox']).trim(), a.slice(0, 12));
    const json = JSON.parse(ok(['ps', '--format', 'json']).trim().split('\n')[0]);
    assert.equal(json.Names, 'psa');
    assert.equal(json.State, 'running');
    assert.equal(ok(['ps', '--format', '{{.Names}}:{{.State}}']), 'psa:running\n');
    const bad = sb.run(['ps', '--filter', 'colour=red']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /invalid filter 'colour=red'/);
    ok(['rm', '-f', 'psa', 'psb']);
  });

  test('a name, a full id or a unique id prefix names a container; an ambiguous prefix is a clear error', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8].map(() => ok(['create', 'busybox', 'true']).trim());
    const id = ids[0];
    assert.equal(ok(['inspect', '-f', '{{.Id}}', id.slice(0, 10)]).trim(), id);
    assert.equal(ok(['inspect', '-f', '{{.Id}}', id]).trim(), id);
    // 8 random ids share a one-hex-digit prefix with probability > 0.99 ... find one that is shared
    const shared = '0123456789abcdef'.split('').find((c) => ids.filter((i) => i.startsWith(c)).length > 1);
    if (shared) {
      const r = sb.run(['inspect', shared]);
      assert.equal(r.code, 125);
      assert.match(r.stderr, /multiple containers match the prefix/);
    }
    const missing = sb.run(['stop', 'nosuchthing']);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /no such container: nosuchthing/);
    ok(['rm', ...ids]);
  });
});

describe('logs', () => {
  test('stdout and stderr in docker json-file format, --tail, -t, --since, --until', () => {
    const id = ok(['run', '-d', '--name', 'logger', 'busybox', 'sh', '-c', 'echo one; echo two >&2; echo three']).trim();
    ok(['wait', 'logger']);
    const file = path.join(sb.root, 'containers', id, `${id}-json.log`);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // two pipes: the order between streams is not kept (as in docker), within a stream it is
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.log), ['one\n', 'three\n']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.log), ['two\n']);
    assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const r = sb.run(['logs', 'logger']);
    assert.equal(r.stdout, 'one\nthree\n');
    assert.equal(r.stderr, 'two\n');
    ok(['rm', 'logger']);
    ok(['run', '--name', 'logger2', 'busybox', 'sh', '-c', 'echo one; echo two; echo three']);
    assert.equal(ok(['logs', '--tail', '2', 'logger2']), 'two\nthree\n');
    assert.match(ok(['logs', '-t', '--tail', '1', 'logger2']), /^\d{4}-\d\d-\d\dT[\d:.]+Z three\n$/);
    assert.equal(ok(['logs', '--since', '1h', '--tail', '1', 'logger2']), 'three\n');
    assert.equal(ok(['logs', '--until', '1h', 'logger2']), '');
    ok(['rm', 'logger2']);
  });

  test('logs -f follows live output until the container exits', async () => {
    ok(['run', '-d', '--name', 'follow', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo tick $i; sleep 0.3; done']);
    const child = sb.spawn(['logs', '-f', 'follow']);
    let out = '';
    const seen: number[] = [];
    child.stdout!.on('data', (d) => {
      out += d;
      seen.push(Date.now());
    });
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0);
    assert.equal(out, 'tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
    assert.ok(seen.length >= 2, 'output arrived while the container ran, not all at the end');
    ok(['rm', 'follow']);
  });

  test('--log-opt max-size and max-file rotate the log', () => {
    const id = ok(['run', '-d', '--name', 'rotate', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c',
      'i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done']).trim();
    ok(['wait', 'rotate']);
    const dir = path.join(sb.root, 'containers', id);
    const logs = fs.readdirSync(dir).filter((f) => f.startsWith(`${id}-json.log`)).sort();
    assert.deepEqual(logs, [`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    for (const f of logs) assert.ok(fs.statSync(path.join(dir, f)).size <= 2200, `${f} is over max-size`);
    const out = ok(['logs', 'rotate']).trim().split('\n');
    assert.equal(out[out.length - 1].split('-')[1], '199');
    const nums = out.map((l) => Number(l.split('-')[1]));
    assert.deepEqual(nums, nums.slice().sort((x, y) => x - y), 'rotated files are read oldest first');
    ok(['rm', 'rotate']);
  });
});

describe('exec', () => {
  test('exec sees the container processes and hostname, with env, workdir and user; its exit code returns', () => {
    ok(['run', '-d', '--name', 'ex', '--hostname', 'exhost', '-e', 'FROM_RUN=1', 'busybox', 'sleep', '60']);
    const r = ok(['exec', '-e', 'X=2', '-w', '/tmp', '-u', 'nobody', 'ex', 'sh', '-c', 'hostname; echo $FROM_RUN$X; pwd; id -u; ps -o pid,args']);
    const [host, env, cwd, uid, ...ps] = r.trim().split('\n');
    assert.deepEqual([host, env, cwd, uid], ['exhost', '12', '/tmp', '65534']);
    assert.ok(ps.some((l) => /^\s*1\s+sleep 60$/.test(l)), `the container's PID 1 is not visible:\n${ps.join('\n')}`);
    assert.equal(sb.run(['exec', 'ex', 'sh', '-c', 'exit 4']).code, 4);
    const nf = sb.run(['exec', 'ex', 'nosuchcmd']);
    assert.equal(nf.code, 127);
    assert.match(nf.stderr, /executable file not found/);
    assert.equal(ok(['exec', '-i', 'ex', 'cat'], 'piped\n'), 'piped\n');
    ok(['exec', '-d', 'ex', 'sh', '-c', 'echo detached > /tmp/d']);
    assert.equal(ok(['exec', 'ex', 'sh', '-c', 'sleep 0.3; cat /tmp/d']), 'detached\n');
    // --privileged: every capability this host lets us hold (root here lacks CAP_SYS_RESOURCE)
    const hostCaps = /^CapPrm:\s+(\w+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    assert.match(ok(['exec', '--privileged', 'ex', 'grep', 'CapEff', '/proc/self/status']), new RegExp(`CapEff:\\s+${hostCaps}`));
    assert.match(ok(['exec', 'ex', 'grep', 'CapEff', '/proc/self/status']), /CapEff:\s+00000000a80425fb/);
    ok(['rm', '-f', 'ex']);
    const stopped = sb.run(['exec', 'nosuch', 'true']);
    assert.equal(stopped.code, 125);
  });

  test('exec -it gives a terminal in the container', () => {
    ok(['run', '-d', '--name', 'exit', 'busybox', 'sleep', '60']);
    const r = sb.runPty(['exec', '-it', 'exit', 'sh', '-c', 'tty; echo done'], [{ expect: 'done' }]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    ok(['rm', '-f', 'exit']);
  });
});

describe('attach', () => {
  test('attach to an -it container, type into it, detach with ctrl-p ctrl-q: it keeps running', () => {
    ok(['run', '-dit', '--name', 'att', 'busybox', 'sh']);
    const r = sb.runPty(['attach', 'att'], [
      { send: 'echo attached-$((40+2))\r' }, { expect: 'attached-42' }, { send: '\x10\x11' },
    ]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(status('att'), 'running');
    const again = sb.runPty(['attach', 'att'], [{ send: 'exit 6\r' }]);
    assert.equal(again.code, 6, again.stdout);
    assert.equal(ok(['inspect', '-f', '{{.State.ExitCode}}', 'att']).trim(), '6');
    ok(['rm', 'att']);
  });

  test('an attach client that reads nothing never stalls the container: it is left behind, the log has everything', async () => {
    const id = ok(['run', '-d', '--name', 'loud', 'busybox', 'sh', '-c', 'sleep 1; head -c 8000000 /dev/zero | tr "\\0" x; echo; echo done']).trim();
    const sock = path.join(sb.runroot, 's', `${id.slice(0, 32)}.sock`);
    const net = await import('node:net');
    const client = net.createConnection(sock);
    client.pause(); // never reads: its socket buffer fills at once
    await new Promise<void>((resolve, reject) => client.once('connect', () => resolve()).once('error', reject));
    try {
      await until(() => status('loud') === 'exited', 20_000);
      const logs = ok(['logs', '--tail', '1', 'loud']);
      assert.equal(logs, 'done\n');
    } finally {
      client.destroy();
      ok(['rm', '-f', 'loud']);
    }
  });

  test('attach to a stopped container is a clear error', () => {
    ok(['create', '--name', 'notrunning', 'busybox', 'true']);
    const r = sb.run(['attach', 'notrunning']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /cannot attach to a stopped container/);
    ok(['rm', 'notrunning']);
  });
});

describe('stop, kill, start, restart, pause', () => {
  test('stop of a container that ignores SIGTERM takes the timeout, then kills', () => {
    ok(['run', '-d', '--name', 'stubborn', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    const t0 = Date.now();
    assert.equal(ok(['stop', '-t', '1', 'stubborn']), 'stubborn\n');
    const took = Date.now() - t0;
    assert.ok(took >= 1000, `stop returned after ${took} ms, before the timeout`);
    assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'stubborn']).trim(), 'exited 137');
    ok(['rm', 'stubborn']);
  });

  test('stop uses SIGTERM and returns as soon as the container exits', () => {
    ok(['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']);
    const t0 = Date.now();
    ok(['stop', 'polite']);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(ok(['inspect', '-f', '{{.State.ExitCode}}', 'polite']).trim(), '0');
    ok(['rm', 'polite']);
  });

  test('kill -s, start again, restart, pause and unpause', async () => {
    ok(['run', '-d', '--name', 'cycle', 'busybox', 'sh', '-c', 'trap "exit 10" USR1; while true; do sleep 0.1; done']);
    ok(['kill', '-s', 'USR1', 'cycle']);
    assert.equal(ok(['wait', 'cycle']).trim(), '10');
    ok(['start', 'cycle']);
    assert.equal(status('cycle'), 'running');
    const pid1 = ok(['inspect', '-f', '{{.State.Pid}}', 'cycle']).trim();
    ok(['restart', '-t', '1', 'cycle']);
    const pid2 = ok(['inspect', '-f', '{{.State.Pid}}', 'cycle']).trim();
    assert.notEqual(pid1, pid2);
    ok(['pause', 'cycle']);
    assert.equal(status('cycle'), 'paused');
    assert.match(ok(['ps']), /Up .* \(Paused\)\s+cycle/);
    const during = sb.run(['exec', 'cycle', 'true']);
    assert.match(during.stderr, /is paused/);
    ok(['unpause', 'cycle']);
    assert.equal(status('cycle'), 'running');
    const r = sb.run(['unpause', 'cycle']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /is not paused/);
    const rm = sb.run(['rm', 'cycle']);
    assert.equal(rm.code, 125);
    assert.match(rm.stderr, /cannot remove container "cycle": container is running/);
    ok(['rm', '-f', 'cycle']);
  });
});

describe('other verbs', () => {
  test('top, stats --no-stream, rename, cp both ways, inspect', () => {
    const id = ok(['run', '-d', '--name', 'misc', '-m', '64m', 'busybox', 'sh', '-c', 'echo content > /srv.txt; sleep 60']).trim();
    const top = ok(['top', 'misc']);
    assert.match(top.split('\n')[0], /UID\s+PID\s+PPID/);
    assert.match(top, /sleep 60/);
    const stats = ok(['stats', '--no-stream', 'misc']);
    assert.match(stats.split('\n')[0], /CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS/);
    assert.match(stats, /misc\s+\d+\.\d\d%\s+[\d.]+[KMG]?i?B \/ 64MiB/);
    ok(['rename', 'misc', 'renamed']);
    assert.equal(ok(['inspect', '-f', '{{.Name}}', id]).trim(), '/renamed');
    const out = path.join(sb.dir, 'out.txt');
    ok(['cp', 'renamed:/srv.txt', out]);
    assert.equal(fs.readFileSync(out, 'utf8'), 'content\n');
    fs.mkdirSync(path.join(sb.dir, 'tree/sub'), { recursive: true });
    fs.writeFileSync(path.join(sb.dir, 'tree/sub/f'), 'in');
    ok(['cp', path.join(sb.dir, 'tree'), 'renamed:/tmp']);
    assert.equal(ok(['exec', 'renamed', 'cat', '/tmp/tree/sub/f']), 'in');
    const inspect = JSON.parse(ok(['inspect', 'renamed']))[0];
    assert.equal(inspect.Id, id);
    assert.equal(inspect.State.Running, true);
    assert.equal(inspect.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(inspect.Config.Image, 'busybox');
    assert.deepEqual(inspect.Config.Cmd, ['sh', '-c', 'echo content > /srv.txt; sleep 60']);
    assert.equal(inspect.GraphDriver.Name, 'overlay2');
    ok(['stop', '-t', '0', 'renamed']);
    ok(['cp', 'renamed:/srv.txt', path.join(sb.dir, 'stopped.txt')]); // from a stopped container too
    assert.equal(fs.readFileSync(path.join(sb.dir, 'stopped.txt'), 'utf8'), 'content\n');
    ok(['rm', 'renamed']);
  });

  test('container prune removes stopped containers only', () => {
    ok(['run', '-d', '--name', 'keepme', 'busybox', 'sleep', '60']);
    ok(['run', '--name', 'pruneme', 'busybox', 'true']);
    const out = ok(['container', 'prune', '-f']);
    assert.match(out, /Deleted Containers:/);
    const names = ok(['ps', '-a', '--format', '{{.Names}}']).trim().split('\n');
    assert.ok(names.includes('keepme') && !names.includes('pruneme'));
    ok(['container', 'rm', '-f', 'keepme']);
  });

  test('--restart on-failure:2 restarts twice with back-off; stop ends always', async () => {
    ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 1']);
    await until(() => ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky']).trim() === '2 exited', 20_000);
    await sleep(500);
    assert.equal(ok(['inspect', '-f', '{{.RestartCount}}', 'flaky']).trim(), '2');
    ok(['rm', 'flaky']);
    ok(['run', '-d', '--name', 'forever', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2']);
    await until(() => Number(ok(['inspect', '-f', '{{.RestartCount}}', 'forever']).trim()) >= 1, 20_000);
    ok(['stop', '-t', '1', 'forever']);
    await sleep(1500);
    assert.equal(status('forever'), 'exited');
    ok(['rm', 'forever']);
  });

  test('events: create, start, die with exit code, kill, stop, destroy, pause, unpause', async () => {
    const since = new Date().toISOString();
    ok(['run', '-d', '--name', 'evt', 'busybox', 'sleep', '60']);
    ok(['pause', 'evt']);
    ok(['unpause', 'evt']);
    ok(['stop', '-t', '0', 'evt']);
    ok(['rm', 'evt']);
    const lines = ok(['events', '--since', since, '--until', new Date(Date.now() + 1000).toISOString(), '--filter', 'container=evt']).trim().split('\n');
    const actions = lines.map((l) => l.split(' ')[2]);
    assert.deepEqual(actions, ['create', 'start', 'pause', 'unpause', 'kill', 'die', 'stop', 'destroy']);
    assert.match(lines[5], /exitCode=137/);
    const json = JSON.parse(ok(['events', '--since', since, '--until', '0s', '--filter', 'event=die', '--format', 'json']).trim().split('\n')[0]);
    assert.equal(json.action, 'die');
  });
});
