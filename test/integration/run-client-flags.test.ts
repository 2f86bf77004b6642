// run/create/exec/attach flags that docker's CLI handles on the client side: --cidfile, --stop-timeout,
// --label-file, -q and --pull against a real registry, --platform, -a, --sig-proxy, --detach-keys
// (through a pseudo-terminal), exec --env-file. Each test checks the effect, not the parse.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRegistry } from '../../src/image/registry/testing/local-registry';
import { useSandbox, waitForPid, type Result } from '../helpers/sandbox';

const sb = useSandbox('run-client-flags');

function oneLine(r: Result, pattern: RegExp): void {
  assert.equal(r.code, 125, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
}

function inspect<T>(ref: string, template: string): T {
  return JSON.parse(sb.ok(['inspect', '-f', `{{json ${template}}}`, ref]).stdout) as T;
}

describe('--cidfile', () => {
  test('gets the full id, written whole; an existing file is refused before anything is created', () => {
    const file = path.join(sb.dir, 'run.cid');
    const id = sb.ok(['run', '-d', '--cidfile', file, 'busybox', 'sleep', '60']).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(fs.readFileSync(file, 'utf8'), id);
    const before = sb.containerIds().length;
    oneLine(sb.run(['run', '-d', '--cidfile', file, 'busybox', 'true']),
      new RegExp(`Container ID file found, make sure the other container isn't running or delete ${file.replace(/[.]/g, '\\.')}`));
    assert.equal(sb.containerIds().length, before, 'a container was created although the id file existed');
    assert.equal(fs.readFileSync(file, 'utf8'), id, 'the existing file was changed');
    sb.ok(['rm', '-f', id]);
    assert.deepEqual(fs.readdirSync(sb.dir).filter((f) => f.endsWith('.tmp')), [], 'a temp file was left');
  });

  test('create and a foreground run write it too; a failed run leaves no file', () => {
    const created = path.join(sb.dir, 'create.cid');
    const id = sb.ok(['create', '--cidfile', created, 'busybox', 'true']).stdout.trim();
    assert.equal(fs.readFileSync(created, 'utf8'), id);
    sb.ok(['rm', id]);
    const fg = path.join(sb.dir, 'fg.cid');
    const r = sb.ok(['run', '--cidfile', fg, '--name', 'cid-fg', 'busybox', 'echo', 'hi']);
    assert.equal(r.stdout, 'hi\n');
    assert.equal(fs.readFileSync(fg, 'utf8'), inspect<string>('cid-fg', '.Id'));
    sb.ok(['rm', 'cid-fg']);
    const failed = path.join(sb.dir, 'failed.cid');
    assert.equal(sb.run(['run', '--cidfile', failed, 'nosuchimage-cid', 'true']).code, 125);
    assert.equal(fs.existsSync(failed), false);
  });
});

describe('--stop-timeout', () => {
  test('is Config.StopTimeout and what stop and restart wait when no -t is given', () => {
    // TERM is ignored: only the kill after the stop timeout ends it. Were docker's 10 s used, stop
    // would outlive the 8 s this test gives it.
    const id = sb.ok(['run', '-d', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']).stdout.trim();
    assert.equal(inspect<number>(id, '.Config.StopTimeout'), 1);
    const restart = sb.run(['restart', id], { timeout: 8000 });
    assert.equal(restart.code, 0, restart.stderr);
    assert.equal(inspect<boolean>(id, '.State.Running'), true);
    const stop = sb.run(['stop', id], { timeout: 8000 });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(inspect<number>(id, '.State.ExitCode'), 137);
    sb.ok(['rm', id]);
  });

  test('a bad value is the flag\'s own error', () => {
    oneLine(sb.run(['run', '--stop-timeout', 'soon', 'busybox', 'true']), /invalid value "soon" for --stop-timeout/);
  });
});

describe('--label-file', () => {
  test('is read on the client; --label wins over the file', () => {
    const file = path.join(sb.dir, 'labels');
    fs.writeFileSync(file, '# a comment\n\na=from-file\n  b=2\nflag\nc=x=y\n');
    const id = sb.ok(['create', '--label-file', file, '--label', 'a=from-flag', 'busybox', 'true']).stdout.trim();
    assert.deepEqual(inspect<Record<string, string>>(id, '.Config.Labels'), { a: 'from-flag', b: '2', flag: '', c: 'x=y' });
    assert.equal(sb.ok(['ps', '-a', '-q', '--no-trunc', '--filter', 'label=c=x=y']).stdout.trim(), id);
    sb.ok(['rm', id]);
    oneLine(sb.run(['create', '--label-file', path.join(sb.dir, 'nope'), 'busybox']), /open .*nope: no such file or directory/);
  });
});

describe('--platform', () => {
  test("this host's platform runs; another is refused in one line", () => {
    const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as 'x64' | 'arm64'];
    assert.equal(sb.ok(['run', '--rm', '--platform', `linux/${arch}`, 'busybox', 'echo', 'ok']).stdout, 'ok\n');
    const other = arch === 'amd64' ? 'linux/arm64' : 'linux/amd64';
    oneLine(sb.run(['run', '--rm', '--platform', other, 'busybox', 'true']), new RegExp(`${other} does not match the host platform linux/${arch}`));
    oneLine(sb.run(['run', '--rm', '--platform', 'a/b/c/d', 'busybox', 'true']), /invalid platform "a\/b\/c\/d"/);
  });
});

describe('-a/--attach', () => {
  test('only the named streams are shown; the log keeps both', () => {
    const cmd = ['sh', '-c', 'echo to-out; echo to-err >&2'];
    const errOnly = sb.ok(['run', '--name', 'att-err', '-a', 'stderr', 'busybox', ...cmd]);
    assert.equal(errOnly.stdout, '');
    assert.equal(errOnly.stderr, 'to-err\n');
    const outOnly = sb.ok(['run', '--rm', '-a', 'STDOUT', 'busybox', ...cmd]);
    assert.equal(outOnly.stdout, 'to-out\n');
    assert.equal(outOnly.stderr, '');
    const logs = sb.ok(['logs', 'att-err']);
    assert.equal(logs.stdout, 'to-out\n');
    assert.equal(logs.stderr, 'to-err\n');
    sb.ok(['rm', 'att-err']);
  });

  test('-a stdin with -i feeds the container; -a with -d is refused', () => {
    const r = sb.run(['run', '--rm', '-i', '-a', 'stdin', '-a', 'stdout', 'busybox', 'sh', '-c', 'cat; echo gone >&2'], { input: 'fed\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'fed\n');
    assert.equal(r.stderr, '');
    oneLine(sb.run(['run', '-d', '-a', 'stdout', 'busybox', 'true']), /conflicting options: cannot specify both --attach and --detach/);
    oneLine(sb.run(['run', '-a', 'stdlog', 'busybox', 'true']), /valid streams are STDIN, STDOUT and STDERR/);
  });
});

describe('--sig-proxy', () => {
  const trap = ['sh', '-c', 'trap "echo got-TERM; exit 42" TERM; echo ready; while true; do sleep 0.05; done'];

  async function started(args: string[]) {
    const child = sb.spawn(args);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    await waitForPid(sb);
    while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 20));
    return { child, exited, out: () => out };
  }

  test('default: SIGTERM to the foreground run reaches the container', async () => {
    const { child, exited, out } = await started(['run', '--rm', 'busybox', ...trap]);
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 42, signal: null });
    assert.match(out(), /got-TERM/);
  });

  test('--sig-proxy=false: the signal stays with the client; the container keeps running', async () => {
    const { child, exited } = await started(['run', '--name', 'noproxy', '--sig-proxy=false', 'busybox', ...trap]);
    child.kill('SIGTERM');
    assert.equal((await exited).signal, 'SIGTERM');
    assert.equal(inspect<boolean>('noproxy', '.State.Running'), true);
    assert.doesNotMatch(sb.ok(['logs', 'noproxy']).stdout, /got-TERM/);
    sb.ok(['stop', 'noproxy']); // now the container gets its TERM
    assert.match(sb.ok(['logs', 'noproxy']).stdout, /got-TERM/);
    assert.equal(inspect<number>('noproxy', '.State.ExitCode'), 42);
    sb.ok(['rm', 'noproxy']);
  });
});

describe('--detach-keys', () => {
  test('run -it and attach detach on the given sequence; the container keeps running', () => {
    const r = sb.runPty(['run', '-it', '--name', 'dk', '--detach-keys', 'ctrl-a,x', 'busybox', 'sh'], [
      { expect: '# ' }, { send: 'echo $((6*7))\r' }, { expect: '42' }, { send: '\x01x' },
    ]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(inspect<boolean>('dk', '.State.Running'), true);
    // ctrl-p ctrl-q is no detach sequence now: it reaches the shell; ctrl-b,y detaches
    const a = sb.runPty(['attach', '--detach-keys', 'ctrl-b,y', 'dk'], [
      { send: '\x10\x11echo $((7*8))\r' }, { expect: '56' }, { send: '\x02y' },
    ]);
    assert.equal(a.code, 0, a.stdout);
    assert.equal(inspect<boolean>('dk', '.State.Running'), true);
    sb.ok(['rm', '-f', 'dk']);
  });

  test('a sequence broken half way reaches the container', () => {
    const r = sb.runPty(['run', '--rm', '-it', '--detach-keys', 'ctrl-a,x', 'busybox', 'sh'], [
      { expect: '# ' }, { send: '\x01' }, { send: 'echo held-$((1+1))\r' }, { expect: 'held-2' }, { send: 'exit 3\r' },
    ]);
    assert.equal(r.code, 3, r.stdout);
  });

  test('exec -it: the given keys (and docker\'s ctrl-p,ctrl-q by default) detach; the process runs on', () => {
    const id = sb.ok(['run', '-d', 'busybox', 'sleep', '300']).stdout.trim();
    const r = sb.runPty(['exec', '-it', '--detach-keys', 'ctrl-a,x', id, 'sh', '-c', 'echo ready; exec sleep 201'], [{ expect: 'ready' }, { send: '\x01x' }]);
    assert.equal(r.code, 0, r.stdout);
    const d = sb.runPty(['exec', '-it', id, 'sh', '-c', 'echo ready; exec sleep 202'], [{ expect: 'ready' }, { send: '\x10\x11' }]);
    assert.equal(d.code, 0, d.stdout);
    const ps = sb.ok(['exec', id, 'ps', '-o', 'args']).stdout;
    assert.match(ps, /sleep 201/);
    assert.match(ps, /sleep 202/);
    sb.ok(['rm', '-f', id]);
  });

  test('an unknown key is refused in one line', () => {
    oneLine(sb.run(['run', '--detach-keys', 'ctrl-p,foo', 'busybox', 'true']), /invalid detach keys \(ctrl-p,foo\): unknown character 'foo'/);
    oneLine(sb.run(['attach', '--detach-keys', 'ctrl-', 'x']), /invalid detach keys/);
  });
});

describe('exec --env-file', () => {
  test('files then -e, a bare name taken from the client', () => {
    const id = sb.ok(['run', '-d', '-e', 'KEEP=container', 'busybox', 'sleep', '60']).stdout.trim();
    const file = path.join(sb.dir, 'exec.env');
    fs.writeFileSync(file, '# comment\nA=from-file\nB=from-file\nFROM_CLIENT\n');
    const r = sb.run(['exec', '--env-file', file, '-e', 'B=from-flag', id, 'sh', '-c', 'echo $A $B $FROM_CLIENT $KEEP'], {
      env: { ...process.env, FROM_CLIENT: 'client-value' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'from-file from-flag client-value container\n');
    oneLine(sb.run(['exec', '--env-file', path.join(sb.dir, 'none.env'), id, 'true']), /no such file or directory/);
    sb.ok(['rm', '-f', id]);
  });
});

describe('--pull and -q against a local registry', () => {
  let reg: LocalRegistry | undefined;
  let ref: string;

  function rootfsTar(marker: string): string {
    const dir = fs.mkdtempSync(path.join(sb.dir, 'rootfs-'));
    const root = path.join(dir, 'root');
    for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    for (const a of ['sh', 'cat']) fs.symlinkSync('busybox', path.join(root, 'bin', a));
    fs.writeFileSync(path.join(root, 'etc', 'marker'), `${marker}\n`);
    const tar = path.join(dir, 'rootfs.tar');
    assert.equal(spawnSync('tar', ['-C', root, '-cf', tar, '.']).status, 0);
    return tar;
  }

  function publish(marker: string): void {
    sb.ok(['import', '-c', 'CMD ["/bin/cat", "/etc/marker"]', rootfsTar(marker), ref]);
    sb.ok(['push', ref]);
  }

  before(async () => {
    reg = await LocalRegistry.start({ dir: path.join(sb.dir, 'registry') });
    ref = `${reg.host}/pulltest/app:1`;
  });
  after(async () => {
    await reg?.stop();
  });

  test('never refuses a missing image; missing pulls it (said on stderr); always fetches what changed', () => {
    publish('v1');
    sb.ok(['rmi', ref]);
    oneLine(sb.run(['run', '--rm', '--pull', 'never', ref]), new RegExp(`No such image: ${ref.replace(/[.]/g, '\\.')}`));
    const missing = sb.ok(['run', '--rm', '--pull', 'missing', ref]);
    assert.equal(missing.stdout, 'v1\n');
    assert.match(missing.stderr, new RegExp(`^Unable to find image '${ref.replace(/[.]/g, '\\.')}' locally\n`));
    assert.match(missing.stderr, /Pull complete/);

    publish('v2'); // the registry has v2 now; so has the store (import)
    sb.ok(['import', '-c', 'CMD ["/bin/cat", "/etc/marker"]', rootfsTar('v1-again'), ref]); // the store goes back to a v1
    assert.equal(sb.ok(['run', '--rm', ref]).stdout, 'v1-again\n', 'no --pull: the stored image');
    assert.equal(sb.ok(['run', '--rm', '--pull', 'missing', ref]).stdout, 'v1-again\n', 'missing: the stored image');
    const always = sb.ok(['run', '--rm', '--pull', 'always', ref]);
    assert.equal(always.stdout, 'v2\n');
    assert.match(always.stderr, /Pulling from pulltest\/app/);
    assert.doesNotMatch(always.stderr, /Unable to find image/);
  });

  test('-q: no pull output at all, the container output only', () => {
    sb.ok(['rmi', ref]);
    const quiet = sb.ok(['run', '--rm', '-q', '--pull', 'always', ref]);
    assert.equal(quiet.stdout, 'v2\n');
    assert.equal(quiet.stderr, '');
    sb.ok(['rmi', ref]);
    const created = sb.ok(['create', '-q', '--pull', 'missing', ref]);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(created.stderr, '');
    sb.ok(['rm', created.stdout.trim()]);
    oneLine(sb.run(['run', '--pull', 'sometimes', ref]), /invalid pull option: 'sometimes'/);
  });
});
