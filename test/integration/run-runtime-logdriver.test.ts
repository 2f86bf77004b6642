// --log-driver/--log-opt (HostConfig.LogConfig) and --runtime (HostConfig.Runtime): a container run by
// the real runc (Debian's /usr/sbin/runc) from the bundle the engine writes, through its whole life,
// checked from runc's own side (runc list/state under <runroot>/runc); crun's refusal on this hybrid
// cgroup host as one line; the same fields through the Engine API with the unmodified docker CLI.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useSandbox, type Result } from '../helpers/sandbox';
import { ApiServiceProcess } from '../helpers/api-service';

const sb = useSandbox('run-runtime-logdriver');

function oneLine(r: Result, pattern: RegExp): void {
  assert.equal(r.code, 125, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.match(r.stderr, pattern);
}

function inspect<T>(ref: string, template: string): T {
  return JSON.parse(sb.ok(['inspect', '-f', `{{json ${template}}}`, ref]).stdout) as T;
}

/** runc's own view of the containers under our runroot. */
function runc(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/usr/sbin/runc', ['--root', path.join(sb.runroot, 'runc'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runcState(id: string): { status: string; pid: number; bundle: string } | undefined {
  const r = runc(['state', id]);
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

describe('--log-driver', () => {
  test('json-file is the default and shown in inspect', () => {
    const id = sb.ok(['run', '-d', 'busybox', 'echo', 'hello']).stdout.trim();
    sb.ok(['wait', id]);
    assert.deepEqual(inspect(id, '.HostConfig.LogConfig'), { Type: 'json-file', Config: {} });
    assert.equal(sb.ok(['logs', id]).stdout, 'hello\n');
    assert.ok(fs.existsSync(inspect<string>(id, '.LogPath')));
    sb.ok(['rm', id]);
  });

  test('none: output still reaches an attached client, nothing is stored, logs refuses as docker does', () => {
    const r = sb.ok(['run', '--name', 'nolog', '--log-driver', 'none', 'busybox', 'sh', '-c', 'echo shown; echo err >&2']);
    assert.equal(r.stdout, 'shown\n');
    assert.equal(r.stderr, 'err\n');
    assert.deepEqual(inspect('nolog', '.HostConfig.LogConfig'), { Type: 'none', Config: {} });
    assert.equal(inspect<string>('nolog', '.LogPath'), '');
    const dir = path.join(sb.root, 'containers', inspect<string>('nolog', '.Id'));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('json.log')), []);
    oneLine(sb.run(['logs', 'nolog']), /configured logging driver does not support reading/);
    sb.ok(['rm', 'nolog']);
  });

  test('local takes docker\'s options (max-size, max-file, compress) and rotates', () => {
    const id = sb.ok(['run', '-d', '--log-driver', 'local', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=2', '--log-opt', 'compress=false',
      'busybox', 'sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done']).stdout.trim();
    sb.ok(['wait', id]);
    assert.deepEqual(inspect(id, '.HostConfig.LogConfig'), { Type: 'local', Config: { 'max-size': '2k', 'max-file': '2', compress: 'false' } });
    const logs = sb.ok(['logs', id]).stdout.trim().split('\n');
    assert.equal(logs[logs.length - 1], 'line-199-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    assert.ok(logs.length < 200, 'nothing was rotated away');
    const log = inspect<string>(id, '.LogPath');
    assert.ok(fs.existsSync(`${log}.1`), 'no rotated file');
    assert.ok(!fs.existsSync(`${log}.2`), 'more files than max-file');
    sb.ok(['rm', id]);
  });

  test('an unknown driver or option is one line, before anything is created', () => {
    const before = sb.containerIds().length;
    oneLine(sb.run(['run', '--log-driver', 'syslog', 'busybox', 'true']), /logging driver "syslog" is not supported by mydocker \(json-file, local or none\)/);
    oneLine(sb.run(['run', '--log-driver', 'local', '--log-opt', 'labels=a', 'busybox', 'true']), /unknown log opt 'labels' for local log driver/);
    oneLine(sb.run(['run', '--log-driver', 'none', '--log-opt', 'max-size=1m', 'busybox', 'true']), /unknown log opt 'max-size' for none log driver/);
    assert.equal(sb.containerIds().length, before);
  });
});

describe('--runtime runc', () => {
  test('runs the container with the real runc: output, exit code, a pid namespace of its own', () => {
    const r = sb.run(['run', '--rm', '--runtime', 'runc', 'busybox', 'sh', '-c', 'echo pid=$$; echo err >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'pid=1\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(runc(['list', '-q']).stdout.trim(), '', 'runc still lists the --rm container');
  });

  test('the whole life: runc state agrees with inspect; exec, logs, pause, kill, stop, restart, wait, rm', () => {
    const id = sb.ok(['run', '-d', '--runtime', 'runc', '--name', 'viarunc', 'busybox', 'sh', '-c',
      'trap "echo got-USR1" USR1; trap "echo bye; exit 9" TERM; echo up; while true; do sleep 0.05; done']).stdout.trim();
    assert.equal(inspect<string>(id, '.HostConfig.Runtime'), 'runc');
    let st = runcState(id);
    assert.equal(st?.status, 'running');
    assert.equal(st?.pid, inspect<number>(id, '.State.Pid'));
    assert.equal(st?.bundle, path.join(sb.root, 'containers', id));
    // exec goes through runc exec: same namespaces (pid 1 is our sh), exit codes pass through
    const ex = sb.run(['exec', '-e', 'X=1', id, 'sh', '-c', 'echo x=$X; cat /proc/1/cmdline | tr "\\0" " "; exit 4']);
    assert.equal(ex.code, 4, ex.stderr);
    assert.match(ex.stdout, /^x=1\nsh -c trap/);
    assert.equal(sb.ok(['exec', '-i', id, 'cat'], 'piped\n').stdout, 'piped\n');
    sb.ok(['exec', '-d', id, 'sleep', '123']); // runc exec --detach: it runs on after the client is gone
    assert.match(sb.ok(['top', id]).stdout, /sleep 123/);
    oneLine(sb.run(['exec', '-d', id, 'nosuchcmd']), /runc exec failed: .*"nosuchcmd": executable file not found/);
    sb.ok(['pause', id]);
    assert.equal(runcState(id)?.status, 'paused', 'runc does not see the freeze');
    sb.ok(['unpause', id]);
    assert.equal(runcState(id)?.status, 'running');
    sb.ok(['kill', '-s', 'USR1', id]);
    sb.ok(['stop', id]);
    assert.equal(inspect<number>(id, '.State.ExitCode'), 9);
    assert.equal(runcState(id), undefined, 'runc still has the stopped container');
    assert.match(sb.ok(['logs', id]).stdout, /^up\n(.|\n)*got-USR1\n(.|\n)*bye\n$/);
    sb.ok(['restart', id]);
    st = runcState(id);
    assert.equal(st?.status, 'running');
    assert.equal(inspect<number>(id, '.State.Pid'), st?.pid);
    sb.ok(['kill', id]);
    assert.equal(sb.ok(['wait', id]).stdout.trim(), '137');
    sb.ok(['start', id]);
    sb.ok(['rm', '-f', id]);
    assert.equal(runcState(id), undefined);
    assert.equal(runc(['list', '-q']).stdout.trim(), '');
  });

  test('-it through runc: a terminal, and exec -it too', () => {
    const r = sb.runPty(['run', '--rm', '-it', '--runtime', 'runc', 'busybox', 'sh'], [
      { expect: '# ' }, { send: 'tty; echo $((6*7))\r' }, { expect: '42' }, { send: 'exit 5\r' },
    ]);
    assert.equal(r.code, 5, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/0/);
    const id = sb.ok(['run', '-d', '--runtime', 'runc', 'busybox', 'sleep', '60']).stdout.trim();
    const e = sb.runPty(['exec', '-it', id, 'sh'], [{ expect: '# ' }, { send: 'test -t 0 && echo tty-$((2+3))\r' }, { expect: 'tty-5' }, { send: 'exit\r' }]);
    assert.equal(e.code, 0, e.stdout);
    sb.ok(['rm', '-f', id]);
  });
});

describe('other runtimes', () => {
  test('crun: its refusal (hybrid cgroups here) is one line and leaves nothing', () => {
    const r = sb.run(['run', '--rm', '--runtime', 'crun', 'busybox', 'echo', 'ok']);
    if (r.code === 0) {
      assert.equal(r.stdout, 'ok\n'); // a host crun accepts
    } else {
      oneLine(r, /crun/);
    }
    assert.deepEqual(sb.containerIds(), []);
    assert.deepEqual(fs.existsSync(path.join(sb.runroot, 'crun')) ? fs.readdirSync(path.join(sb.runroot, 'crun')) : [], []);
  });

  test('an unknown runtime is refused at create; mydocker is the default', () => {
    oneLine(sb.run(['create', '--runtime', 'kata', 'busybox']), /unknown or invalid runtime name: kata/);
    const id = sb.ok(['create', 'busybox']).stdout.trim();
    assert.equal(inspect<string>(id, '.HostConfig.Runtime'), 'mydocker');
    sb.ok(['rm', id]);
  });
});

describe('through the Engine API (the docker CLI)', () => {
  const api = new ApiServiceProcess(sb);
  before(async () => {
    await api.start();
  });
  after(async () => {
    assert.deepEqual(await api.stop(), []);
  });

  test('Runtime, LogConfig and StopTimeout arrive as the CLI gives them', () => {
    const r = api.docker(['run', '-d', '--name', 'api-runc', '--runtime', 'runc', '--log-driver', 'none', '--stop-timeout', '3', 'busybox', 'sleep', '60']);
    assert.equal(r.code, 0, r.stderr + api.logTail(10));
    const id = r.stdout.trim();
    assert.equal(inspect<string>(id, '.HostConfig.Runtime'), 'runc');
    assert.deepEqual(inspect(id, '.HostConfig.LogConfig'), { Type: 'none', Config: {} });
    assert.equal(inspect<number>(id, '.Config.StopTimeout'), 3);
    assert.equal(runcState(id)?.status, 'running');
    const logs = api.docker(['logs', id]);
    assert.notEqual(logs.code, 0);
    assert.match(logs.stderr, /configured logging driver does not support reading/);
    const bad = api.docker(['run', '--rm', '--log-driver', 'syslog', 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /logging driver "syslog" is not supported/);
    assert.equal(api.docker(['rm', '-f', id]).code, 0);
    assert.equal(runcState(id), undefined);
  });

  test('create?platform=: this host\'s platform is taken, another refused', () => {
    const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'];
    const ok = api.docker(['run', '--rm', '--platform', `linux/${arch}`, 'busybox', 'echo', 'same']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'same\n');
    const other = arch === 'amd64' ? 'linux/arm64' : 'linux/amd64';
    const bad = api.docker(['run', '--rm', '--platform', other, 'busybox', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, new RegExp(`${other} does not match the host platform linux/${arch}`));
  });
});
