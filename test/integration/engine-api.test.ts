// The unmodified docker CLI against `mydocker system service`: docker 28 (API 1.50) for every verb,
// Debian's docker 20.10 (API 1.41) for a few, on a socket in this test's sandbox. Containers made
// through the API and through mydocker are the same containers (one store). No network but loopback:
// images come from the built-in busybox and a loopback registry (Debian's docker-registry).
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox, type Result } from '../helpers/sandbox';
import { ApiServiceProcess, DOCKER_OLD } from '../helpers/api-service';
import { LocalRegistry } from '../../src/image/registry/testing/local-registry';

const sb = useSandbox('engine-api');
const api = new ApiServiceProcess(sb);
let registry: LocalRegistry | undefined;

before(async () => {
  await api.start();
});

after(async () => {
  await registry?.stop();
  const problems = await api.stop();
  assert.deepEqual(problems, [], 'the service did not stop cleanly');
});

const docker = (args: string[], opts: Parameters<ApiServiceProcess['docker']>[1] = {}) => api.docker(args, opts);

/** docker … that must exit 0; its stdout. */
function ok(args: string[], opts: Parameters<ApiServiceProcess['docker']>[1] = {}): string {
  const r = docker(args, opts);
  assert.equal(r.code, 0, `docker ${args.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}\n--- service log:\n${api.logTail(15)}`);
  return r.stdout;
}

function fails(r: Result, code: number, message: RegExp): void {
  assert.equal(r.code, code, `expected exit ${code}, got ${r.code}:\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, message);
}

describe('the service as docker sees it', () => {
  test('version and info: API 1.50 for docker 28, 1.41 negotiated by docker 20.10', () => {
    assert.equal(ok(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}} {{.Client.APIVersion}}']).trim(), '1.50 linux 1.50');
    const old = docker(['version'], { cli: DOCKER_OLD });
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /API version:\s+1\.41[\s\S]*Server: mydocker[\s\S]*API version:\s+1\.50 \(minimum version 1\.41\)/);
    const info = ok(['info', '--format', '{{.Driver}} {{.OSType}} {{.DockerRootDir}}']).trim();
    assert.equal(info, `overlay2 linux ${sb.root}`);
  });

  test('the socket is 0660 root:root', () => {
    const st = fs.statSync(api.socket);
    assert.equal(st.mode & 0o777, 0o660);
    assert.equal(st.uid, 0);
    assert.equal(st.gid, 0);
  });
});

describe('containers', () => {
  test('run --rm: output, exit code, nothing left', () => {
    assert.equal(ok(['run', '--rm', 'busybox', 'echo', 'hello api']), 'hello api\n');
    const r = docker(['run', '--rm', '--name', 'exit3', 'busybox', 'sh', '-c', 'echo to-err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, 'to-err\n');
    assert.equal(ok(['ps', '-a', '-q', '--filter', 'name=exit3']), '');
  });

  test('run -d with -e, --name, a memory limit, -p and a volume; ps columns; inspect fields; the same container in mydocker', () => {
    const id = ok(['run', '-d', '--name', 'web', '-e', 'GREETING=hi there', '--memory', '64m', '-p', '127.0.0.1:18765:80', '-v', 'webdata:/data',
      'busybox', 'sh', '-c', 'echo "$GREETING" > /data/g; mkdir /www; echo served > /www/index.html; httpd -f -p 80 -h /www']).trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = ok(['ps']).split('\n');
    assert.match(ps[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    const row = ps.find((l) => l.startsWith(id.slice(0, 12)));
    assert.ok(row, ps.join('\n'));
    assert.match(row, /busybox\s+"sh -c 'echo \\"\$GR…"|busybox\s+"sh -c/);
    assert.match(row, /Up .*127\.0\.0\.1:18765->80\/tcp\s+web$/);
    const fields = ok(['inspect', '-f', '{{.State.Status}}|{{.Name}}|{{.HostConfig.Memory}}|{{index .Config.Env 1}}', 'web']).trim();
    assert.equal(fields, 'running|/web|67108864|HOSTNAME=' + id.slice(0, 12));
    assert.match(ok(['inspect', '-f', '{{json .Config.Env}}', 'web']), /GREETING=hi there/);
    assert.equal(ok(['port', 'web']).trim(), '80/tcp -> 127.0.0.1:18765');
    const curl = spawnSync('curl', ['-s', '-m', '5', 'http://127.0.0.1:18765/'], { encoding: 'utf8' });
    assert.equal(curl.stdout, 'served\n');
    // the same store: mydocker sees it, and a container mydocker made is docker's too
    assert.match(sb.ok(['ps']).stdout, /\bweb\b/);
    sb.ok(['run', '-d', '--name', 'from-mydocker', 'busybox', 'sleep', '300']);
    assert.match(ok(['ps', '--format', '{{.Names}}']), /^from-mydocker$/m);
    ok(['rm', '-f', 'from-mydocker']);
  });

  test('--network none and bridge', () => {
    assert.equal(ok(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net']).trim(), 'lo');
    assert.match(ok(['run', '--rm', '--network', 'bridge', 'busybox', 'sh', '-c', 'ls /sys/class/net']), /eth0/);
  });

  test('logs, and logs -f until killed', () => {
    ok(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done']);
    spawnSync('sleep', ['0.7']);
    assert.match(ok(['logs', 'ticker']), /^tick 0\ntick 1\n/);
    assert.equal(ok(['logs', '--tail', '1', 'ticker']).split('\n').length, 2);
    assert.match(ok(['logs', '-t', '--tail', '1', 'ticker']), /^\d{4}-\d\d-\d\dT[\d:.]+Z tick \d+\n$/);
    const r = docker(['logs', '-f', 'ticker'], { timeoutMs: 1500 });
    assert.equal(r.signal, 'SIGKILL');
    const ticks = r.stdout.trim().split('\n');
    assert.ok(ticks.length >= 5, r.stdout);
    assert.equal(ticks[0], 'tick 0');
  });

  test('exec: output, exit code, env, stdin; 409 on a stopped container', () => {
    assert.equal(ok(['exec', '-e', 'X=1', 'ticker', 'sh', '-c', 'echo x=$X']), 'x=1\n');
    assert.equal(docker(['exec', 'ticker', 'sh', '-c', 'exit 4']).code, 4);
    assert.equal(ok(['exec', '-i', 'ticker', 'cat'], { input: 'piped in\n' }), 'piped in\n');
    fails(docker(['exec', 'ticker', 'nonexistent-cmd']), 127, /executable file not found|no such file/);
    ok(['create', '--name', 'never-started', 'busybox', 'true']);
    fails(docker(['exec', 'never-started', 'true']), 1, /Error response from daemon: Container [0-9a-f]+ is not running/);
  });

  test('exec -it on a terminal: the terminal size, resizes and the exit code', () => {
    const r = api.dockerPty(['exec', '-it', 'ticker', 'sh'], [
      // a pause after the prompt: keys typed while the shell switches its terminal to raw mode may be dropped by the shell
      { expect: '# ' }, { sleep: 0.2 }, { send: 'stty size\r' }, { expect: '33 101' }, { resize: [40, 120] },
      // the CLI relays the new size through POST /exec/{id}/resize, which races with the next keys: ask until it shows
      { repeat: 'stty size\r', until: '40 120', every: 0.5 },
      { send: 'exit 6\r' },
    ], { rows: 33, cols: 101 });
    assert.equal(r.code, 6, r.stdout);
  });

  test('run -it on a terminal: a shell that is PID 1, and its exit code', () => {
    const r = api.dockerPty(['run', '--rm', '-it', 'busybox', 'sh'], [
      { expect: '# ' }, { sleep: 0.2 }, { send: 'echo pid=$$; tty\r' }, { expect: 'pid=1' }, { expect: '/dev/pts/0' }, { send: 'exit 5\r' },
    ]);
    assert.equal(r.code, 5, r.stdout);
  });

  test('attach: the output of a running container', () => {
    const r = docker(['attach', 'ticker'], { timeoutMs: 1200 });
    assert.match(r.stdout, /tick \d+\n/);
  });

  test('top and stats --no-stream', () => {
    const top = ok(['top', 'ticker']).split('\n');
    assert.match(top[0], /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
    assert.ok(top.some((l) => /sh -c i=0/.test(l)), top.join('\n'));
    const stats = ok(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', 'ticker']).trim();
    assert.match(stats, /^ticker \d+(\.\d+)?[KMG]iB \/ [\d.]+[KMG]iB \d+$/);
  });

  test('pause, unpause, rename', () => {
    ok(['pause', 'ticker']);
    assert.match(ok(['ps', '--filter', 'name=ticker', '--format', '{{.Status}}']), /\(Paused\)/);
    fails(docker(['exec', 'ticker', 'true']), 1, /is paused/);
    ok(['unpause', 'ticker']);
    ok(['rename', 'ticker', 'ticker2']);
    assert.equal(ok(['inspect', '-f', '{{.Name}}', 'ticker2']).trim(), '/ticker2');
  });

  test('stop, start, restart, kill, wait, rm: docker\'s exit codes and messages', () => {
    ok(['run', '-d', '--name', 'life', 'busybox', 'sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done']);
    ok(['stop', 'life']);
    assert.equal(ok(['wait', 'life']).trim(), '7');
    assert.match(ok(['ps', '-a', '--filter', 'name=life', '--format', '{{.Status}}']), /^Exited \(7\)/);
    ok(['start', 'life']);
    ok(['restart', '-t', '1', 'life']);
    assert.equal(ok(['inspect', '-f', '{{.State.Running}}', 'life']).trim(), 'true');
    fails(docker(['rm', 'life']), 1, /Error response from daemon: cannot remove container .*container is running/);
    ok(['kill', 'life']);
    assert.equal(ok(['wait', 'life']).trim(), '137');
    fails(docker(['kill', 'life']), 1, /is not running/);
    ok(['rm', 'life']);
    fails(docker(['inspect', 'life']), 1, /No such object: life/);
    fails(docker(['stop', 'ghost']), 1, /Error response from daemon: No such container: ghost/);
  });

  test('run: 125 for daemon errors, 126/127 for a command that cannot run', () => {
    ok(['run', '-d', '--name', 'taken', 'busybox', 'sleep', '100']);
    fails(docker(['run', '--name', 'taken', 'busybox', 'true']), 125, /already in use/);
    fails(docker(['run', '--rm', 'busybox', 'no-such-command']), 127, /executable file not found/);
    fails(docker(['run', '--rm', 'busybox', '/etc/passwd']), 126, /permission denied/);
    fails(docker(['run', '--rm', 'busybox:no-such-tag', 'true']), 125, /Unable to find image 'busybox:no-such-tag' locally/);
    fails(docker(['run', '--rm', '--pid', 'container:nobody', 'busybox', 'true']), 125, /no such container: nobody/);
    fails(docker(['run', '--rm', '--isolation', 'hyperv', 'busybox', 'true']), 125, /Isolation "hyperv" is not supported/);
    ok(['rm', '-f', 'taken']);
  });

  test('cp both ways, directories, and a missing path', () => {
    const src = path.join(sb.dir, 'cp-src');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n');
    fs.writeFileSync(path.join(src, 'sub', 'b.txt'), 'beta\n');
    ok(['cp', path.join(src, 'a.txt'), 'ticker2:/tmp/']);
    ok(['cp', src, 'ticker2:/tmp/tree']);
    assert.equal(ok(['exec', 'ticker2', 'cat', '/tmp/a.txt', '/tmp/tree/sub/b.txt']), 'alpha\nbeta\n');
    assert.equal(ok(['exec', 'ticker2', 'stat', '-c', '%u:%g', '/tmp/tree/sub/b.txt']).trim(), '0:0');
    const out = path.join(sb.dir, 'cp-out');
    ok(['cp', 'ticker2:/tmp/tree', out]);
    assert.equal(fs.readFileSync(path.join(out, 'sub', 'b.txt'), 'utf8'), 'beta\n');
    ok(['cp', 'ticker2:/etc/hostname', path.join(sb.dir, 'hostname')]);
    assert.equal(fs.readFileSync(path.join(sb.dir, 'hostname'), 'utf8').trim().length, 12);
    fails(docker(['cp', 'ticker2:/no/such/file', out]), 1, /Could not find the file \/no\/such\/file in container ticker2/);
  });

  test('commit, export', () => {
    ok(['exec', 'ticker2', 'sh', '-c', 'echo committed > /marker']);
    const id = ok(['commit', '-c', 'ENV FROM_COMMIT=1', 'ticker2', 'committed:v1']).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(['run', '--rm', 'committed:v1', 'sh', '-c', 'cat /marker; echo $FROM_COMMIT']), 'committed\n1\n');
    const tar = spawnSync('sh', ['-c', `${'docker'} export ticker2 | tar -t | grep -c '^marker$'`], { encoding: 'utf8', env: api.env() });
    assert.equal(tar.stdout.trim(), '1');
  });
});

describe('images with a registry', () => {
  before(async () => {
    registry = await LocalRegistry.start({ dir: path.join(sb.dir, 'registry') });
  });

  test('tag, push, rmi, pull, history, save, load, image inspect', () => {
    const ref = `${registry!.host}/api/busybox:v1`;
    ok(['tag', 'busybox', ref]);
    const push = ok(['push', ref]);
    assert.match(push, /The push refers to repository \[[^\]]+\/api\/busybox\]/);
    assert.match(push, /v1: digest: sha256:[0-9a-f]{64} size: \d+/);
    assert.match(ok(['rmi', ref]), /Untagged: .*\/api\/busybox:v1/);
    const pull = ok(['pull', ref]);
    assert.match(pull, /v1: Pulling from api\/busybox/);
    assert.match(pull, /Status: Downloaded newer image for .*\/api\/busybox:v1/);
    assert.match(ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), new RegExp(`^${ref.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(ok(['history', ref]).split('\n')[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    assert.match(ok(['image', 'inspect', '-f', '{{.Id}} {{.Os}}', ref]).trim(), /^sha256:[0-9a-f]{64} linux$/);
    fails(docker(['pull', `${registry!.host}/api/missing:v1`]), 1, /Error response from daemon: manifest .* not found/);
    const tar = path.join(sb.dir, 'saved.tar');
    ok(['save', '-o', tar, ref]);
    ok(['rmi', ref]);
    assert.match(ok(['load', '-i', tar]), new RegExp(`Loaded image: ${ref.replace(/[.]/g, '\\.')}`));
    fails(docker(['rmi', 'no-such-image']), 1, /Error response from daemon: No such image: no-such-image/);
  });

  test('import a rootfs tarball', () => {
    const dir = path.join(sb.dir, 'rootfs');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'imported\n');
    const tar = path.join(sb.dir, 'rootfs.tar');
    spawnSync('tar', ['-C', dir, '-cf', tar, '.']);
    assert.match(ok(['import', tar, 'imported:v1']), /^sha256:[0-9a-f]{64}\n$/);
    assert.match(ok(['images', 'imported']), /imported\s+v1/);
  });
});

describe('networks and volumes', () => {
  test('network create, ls, inspect, connect, disconnect, rm, prune', () => {
    ok(['network', 'create', '--subnet', '10.231.7.0/24', '--label', 'suite=api', 'apinet']);
    assert.match(ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}']), /^apinet bridge$/m);
    assert.equal(ok(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}} {{.Labels.suite}}', 'apinet']).trim(), '10.231.7.0/24 api');
    ok(['run', '-d', '--name', 'netted', '--network', 'apinet', 'busybox', 'sleep', '300']);
    assert.match(ok(['run', '--rm', '--network', 'apinet', 'busybox', 'ping', '-c', '1', '-W', '3', 'netted']), /1 packets received/);
    ok(['network', 'connect', 'bridge', 'netted']);
    assert.match(ok(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'netted']), /apinet.*bridge|bridge.*apinet/);
    ok(['network', 'disconnect', 'bridge', 'netted']);
    fails(docker(['network', 'rm', 'apinet']), 1, /Error response from daemon:/);
    ok(['rm', '-f', 'netted']);
    ok(['network', 'rm', 'apinet']);
    ok(['network', 'create', 'unused-net']);
    assert.match(ok(['network', 'prune', '-f']), /unused-net/);
    fails(docker(['network', 'inspect', 'unused-net']), 1, /network unused-net not found/);
  });

  test('volume create, ls, inspect, use, rm, prune', () => {
    ok(['volume', 'create', '--label', 'k=v', 'apivol']);
    assert.match(ok(['volume', 'ls', '--format', '{{.Name}}']), /^apivol$/m);
    assert.equal(ok(['volume', 'inspect', '-f', '{{.Driver}} {{.Labels.k}}', 'apivol']).trim(), 'local v');
    ok(['run', '--rm', '-v', 'apivol:/v', 'busybox', 'sh', '-c', 'echo kept > /v/f']);
    assert.equal(ok(['run', '--rm', '-v', 'apivol:/v:ro', 'busybox', 'cat', '/v/f']), 'kept\n');
    ok(['volume', 'rm', 'apivol']);
    fails(docker(['volume', 'rm', 'apivol']), 1, /no such volume/);
    ok(['volume', 'create', 'prunable']);
    assert.match(ok(['volume', 'prune', '-a', '-f']), /prunable/);
  });
});

describe('events and the system', () => {
  test('events between --since and --until, with a filter', () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    ok(['run', '--rm', '--name', 'evented', 'busybox', 'true']);
    spawnSync('sleep', ['1.1']);
    const until = Math.floor(Date.now() / 1000);
    const all = ok(['events', '--since', String(since), '--until', String(until), '--filter', 'container=evented', '--format', '{{.Action}}']);
    assert.deepEqual(all.trim().split('\n').filter((a) => ['create', 'start', 'die', 'destroy'].includes(a)), ['create', 'start', 'die', 'destroy']);
    assert.equal(ok(['events', '--until', '1s']), '');
  });

  test('system df and the prunes', () => {
    const df = ok(['system', 'df']).split('\n');
    assert.match(df[0], /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    assert.ok(df.some((l) => /^Images\s+\d+/.test(l)) && df.some((l) => /^Containers\s+\d+/.test(l)), df.join('\n'));
    assert.match(ok(['container', 'prune', '-f']), /Total reclaimed space/);
    assert.equal(ok(['ps', '-a', '--filter', 'status=exited', '-q']), '');
    assert.match(ok(['image', 'prune', '-a', '-f']), /Total reclaimed space/);
    assert.match(ok(['system', 'prune', '-f']), /Total reclaimed space/);
  });
});

describe("Debian's docker 20.10 (API 1.41)", () => {
  const old = (args: string[]) => {
    const r = docker(args, { cli: DOCKER_OLD });
    assert.equal(r.code, 0, `docker 20.10 ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  test('run, ps, images, exec, logs, rm', () => {
    assert.equal(old(['run', '--rm', 'busybox', 'echo', 'from 20.10']), 'from 20.10\n');
    old(['run', '-d', '--name', 'old-cli', 'busybox', 'sh', '-c', 'echo started; sleep 300']);
    assert.match(old(['ps']), /old-cli/);
    assert.match(old(['images']), /busybox\s+latest/);
    assert.equal(docker(['exec', 'old-cli', 'sh', '-c', 'exit 9'], { cli: DOCKER_OLD }).code, 9);
    assert.equal(old(['logs', 'old-cli']), 'started\n');
  });

  test('exec -it on a terminal (the size comes through a resize after the start)', () => {
    const r = api.dockerPty(['exec', '-it', 'old-cli', 'sh'], [
      { expect: '# ' }, { sleep: 0.2 }, { repeat: 'stty size\r', until: '31 97', every: 0.5 }, { send: 'exit 2\r' },
    ], { rows: 31, cols: 97, cli: DOCKER_OLD });
    assert.equal(r.code, 2, r.stdout);
    old(['rm', '-f', 'old-cli']);
  });
});

describe('the service itself', () => {
  test('docker run --rm busybox true through the service: median of 5', () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      ok(['run', '--rm', 'busybox', 'true']);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`# docker run --rm busybox true via the service: median ${times[2].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
    assert.ok(times[2] < 5000);
  });

  test('it keeps serving after bad requests', () => {
    const bad = spawnSync('curl', ['-s', '--unix-socket', api.socket, '-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{nope', 'http://d/v1.50/containers/create'], { encoding: 'utf8' });
    assert.match(bad.stdout, /"message":"invalid JSON/);
    const unknown = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--unix-socket', api.socket, 'http://d/v1.50/no/such/route'], { encoding: 'utf8' });
    assert.equal(unknown.stdout, '404');
    assert.equal(ok(['run', '--rm', 'busybox', 'echo', 'still here']), 'still here\n');
  });

  test('cleans up what the tests made', () => {
    const left = ok(['ps', '-aq']).trim().split('\n').filter(Boolean);
    if (left.length) ok(['rm', '-f', ...left]);
    assert.equal(ok(['ps', '-aq']), '');
  });
});
