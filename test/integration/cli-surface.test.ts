// The command surface as a docker user meets it: grouped help, every management form and alias
// reaching its verb, info, diff, completion scripts, images --filter, ps/inspect --size, logs --details,
// system prune.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MYDOCKER, useSandbox } from '../helpers/sandbox';
import { ApiServiceProcess } from '../helpers/api-service';

const sb = useSandbox('cli-surface');
const ok = sb.ok;
const out = (args: string[]) => ok(args).stdout;
const usageLine = (text: string) => text.split('\n').find((l) => l.startsWith('Usage:')) ?? '';

describe('help', () => {
  test('the main help groups commands as docker does, each with a summary; internal is hidden', () => {
    const h = out(['--help']);
    const at = (s: string) => h.indexOf(s);
    assert.ok(at('Common Commands:') > 0 && at('Common Commands:') < at('Management Commands:') && at('Management Commands:') < at('\nCommands:'), h);
    assert.ok(at('\nCommands:') < at('Global Options:'), h);
    const common = h.slice(at('Common Commands:'), at('Management Commands:'));
    for (const c of ['run', 'exec', 'ps', 'pull', 'push', 'images', 'login', 'logout', 'version', 'info']) assert.match(common, new RegExp(`^  ${c} +\\S`, 'm'), c);
    const management = h.slice(at('Management Commands:'), at('\nCommands:'));
    for (const c of ['container', 'image', 'network', 'volume', 'system']) assert.match(management, new RegExp(`^  ${c} +Manage`, 'm'), c);
    const rest = h.slice(at('\nCommands:'), at('Global Options:'));
    for (const c of ['attach', 'commit', 'cp', 'create', 'diff', 'events', 'export', 'history', 'import', 'inspect', 'kill', 'load', 'logs',
      'pause', 'port', 'rename', 'restart', 'rm', 'rmi', 'save', 'start', 'stats', 'stop', 'tag', 'top', 'unpause', 'update', 'wait']) {
      assert.match(rest, new RegExp(`^  ${c} +\\S`, 'm'), c);
    }
    assert.match(rest, /^ {2}diff {8}Inspect changes to files or directories on a container's filesystem$/m);
    assert.doesNotMatch(h, /internal/);
  });

  test("groups list their verbs with summaries, docker's aliases hidden", () => {
    const c = out(['container', '--help']);
    assert.match(c, /^Usage: {2}mydocker container COMMAND$/m);
    assert.match(c, /^ {2}ls {10}List containers$/m);
    assert.match(c, /^ {2}diff {8}Inspect changes/m);
    assert.doesNotMatch(c, /^ {2}list /m);
    assert.match(out(['image', '--help']), /^ {2}prune {7}Remove unused images$/m);
    assert.match(out(['network', '--help']), /^ {2}connect {5}Connect a container to a network$/m);
    assert.match(out(['volume', '--help']), /^ {2}create {6}Create a volume$/m);
    const s = out(['system', '--help']);
    for (const v of ['df', 'events', 'info', 'prune', 'reset', 'service']) assert.match(s, new RegExp(`^  ${v} +\\S`, 'm'), v);
    assert.match(out(['container', 'ls', '--help']), /Aliases:\n {2}mydocker container ls, mydocker container list, mydocker container ps/);
  });
});

describe('management forms', () => {
  test('every container and image verb is the top-level command under its group name', () => {
    const forms: [string[], string][] = [
      ...['attach', 'commit', 'cp', 'create', 'diff', 'exec', 'export', 'kill', 'logs', 'pause', 'port', 'rename', 'restart', 'rm', 'run',
        'start', 'stats', 'stop', 'top', 'unpause', 'update', 'wait'].map((v) => [['container', v], v] as [string[], string]),
      [['container', 'ls'], 'ps'], [['container', 'list'], 'ps'], [['container', 'ps'], 'ps'], [['container', 'remove'], 'rm'],
      ...['history', 'import', 'load', 'pull', 'push', 'save', 'tag'].map((v) => [['image', v], v] as [string[], string]),
      [['image', 'ls'], 'images'], [['image', 'list'], 'images'], [['image', 'rm'], 'rmi'], [['image', 'remove'], 'rmi'],
      [['system', 'info'], 'info'], [['system', 'events'], 'events'],
    ];
    for (const [form, top] of forms) {
      const viaGroup = usageLine(out([...form, '--help'])).replace(`mydocker ${form.join(' ')} `, '');
      const direct = usageLine(out([top, '--help'])).replace(`mydocker ${top} `, '');
      assert.equal(viaGroup, direct, `${form.join(' ')} is not ${top}`);
    }
    assert.match(usageLine(out(['container', 'inspect', '--help'])), /container inspect \[OPTIONS\] CONTAINER \[CONTAINER\.\.\.\]/);
    assert.match(usageLine(out(['image', 'inspect', '--help'])), /image inspect \[OPTIONS\] IMAGE/);
    assert.match(usageLine(out(['container', 'prune', '--help'])), /container prune/);
  });

  test('ls and list reach the listing of every group', () => {
    ok(['create', '--name', 'alias-c', 'busybox', 'true']);
    ok(['network', 'create', 'alias-net']);
    ok(['volume', 'create', 'alias-vol']);
    try {
      for (const form of [['container', 'ls'], ['container', 'list'], ['container', 'ps']]) {
        assert.match(out([...form, '-a', '--format', '{{.Names}}']), /^alias-c$/m, form.join(' '));
      }
      for (const form of [['image', 'ls'], ['image', 'list']]) assert.match(out([...form, '--format', '{{.Repository}}']), /^busybox$/m);
      for (const form of [['network', 'ls'], ['network', 'list']]) assert.match(out([...form, '--format', '{{.Name}}']), /^alias-net$/m);
      for (const form of [['volume', 'ls'], ['volume', 'list']]) assert.match(out([...form, '-q']), /^alias-vol$/m);
      // container inspect looks at containers only
      assert.equal(out(['container', 'inspect', '-f', '{{.Name}}', 'alias-c']).trim(), '/alias-c');
      const img = sb.run(['container', 'inspect', 'busybox']);
      assert.equal(img.code, 125, img.stdout);
    } finally {
      ok(['rm', 'alias-c']);
      ok(['network', 'rm', 'alias-net']);
      ok(['volume', 'rm', 'alias-vol']);
    }
  });
});

describe('info', () => {
  test("docker's Client and Server sections with the engine's facts", () => {
    ok(['create', '--name', 'info-c', 'busybox', 'true']);
    try {
      const text = out(['info']);
      assert.match(text, /^Client:\n Version: {4}\S+\n Context: {4}default\n Debug Mode: false\n\nServer:\n/);
      assert.match(text, /^ Containers: 1\n {2}Running: 0\n {2}Paused: 0\n {2}Stopped: 1\n Images: 1\n/m);
      for (const re of [
        /^ Server Version: \S+$/m, /^ Storage Driver: overlay2$/m, /^ Logging Driver: json-file$/m, /^ Cgroup Driver: cgroupfs$/m,
        /^ Cgroup Version: [12]$/m, /^ Runtimes: .*mydocker/m, /^ Default Runtime: mydocker$/m, /^ Security Options:\n {2}seccomp\n {3}Profile: builtin$/m,
        /^ OSType: linux$/m, /^ Operating System: \S/m, /^ Debug Mode: false$/m,
      ]) assert.match(text, re);
      assert.match(text, new RegExp(`^ Kernel Version: ${os.release().replace(/[.+]/g, '\\$&')}$`, 'm'));
      assert.match(text, new RegExp(`^ Architecture: ${os.machine()}$`, 'm'));
      assert.match(text, new RegExp(`^ CPUs: ${os.cpus().length}$`, 'm'));
      assert.match(text, new RegExp(`^ Name: ${os.hostname()}$`, 'm'));
      assert.match(text, new RegExp(`^ Docker Root Dir: ${sb.root}$`, 'm'));
      const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
      assert.match(text, new RegExp(`^ Cgroup Version: ${v2 ? 2 : 1}$`, 'm'));
      assert.equal(out(['info', '--format', '{{.Containers}} {{.ContainersStopped}} {{.Driver}} {{.DockerRootDir}}']).trim(), `1 1 overlay2 ${sb.root}`);
      const doc = JSON.parse(out(['system', 'info', '--format', 'json']));
      assert.equal(doc.Containers, 1);
      assert.equal(doc.NCPU, os.cpus().length);
      assert.equal(doc.ClientInfo.Context, 'default');
    } finally {
      ok(['rm', 'info-c']);
    }
  });
});

describe('diff', () => {
  test('A, C and D from the upper dir, parents listed, the engine\'s mount targets left out', () => {
    ok(['run', '--name', 'diff-c', 'busybox', 'sh', '-c', 'echo x >> /etc/passwd; touch /newfile; rm /bin/ls; mkdir -p /tmp/d; rm -rf /home; rm -rf /var && mkdir /var && touch /var/new']);
    try {
      const expected = ['C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'D /home', 'A /newfile', 'C /tmp', 'A /tmp/d', 'C /var', 'A /var/new', 'D /var/spool', 'D /var/www'];
      assert.deepEqual(out(['diff', 'diff-c']).trim().split('\n'), expected);
      assert.deepEqual(out(['container', 'diff', 'diff-c']).trim().split('\n'), expected);
      // the effect is real: what diff calls deleted is gone from the container's filesystem, what it calls added is there
      const listing = spawnSync('sh', ['-c', `${MYDOCKER} ${sb.globalArgs.join(' ')} export diff-c | tar -t`], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(listing.status, 0, listing.stderr);
      const names = new Set(listing.stdout.split('\n').map((n) => n.replace(/^\.?\//, '').replace(/\/$/, '')));
      assert.ok(names.has('newfile') && names.has('var/new') && names.has('tmp/d'), 'added paths missing');
      assert.ok(!names.has('bin/ls') && !names.has('home') && !names.has('var/www'), 'deleted paths present');
      ok(['create', '--name', 'diff-clean', 'busybox', 'true']);
      assert.equal(out(['diff', 'diff-clean']), '');
      const bad = sb.run(['diff', 'no-such-container']);
      assert.equal(bad.code, 125);
      assert.equal(sb.run(['diff']).code, 125);
    } finally {
      sb.run(['rm', '-f', 'diff-c', 'diff-clean']);
    }
  });
});

describe('completion', () => {
  test('the bash script parses, registers itself, and completes verbs and container and image names from mydocker', () => {
    ok(['create', '--name', 'comp-c', 'busybox', 'true']);
    try {
      const file = path.join(sb.dir, 'mydocker.bash');
      fs.writeFileSync(file, out(['completion', 'bash']));
      assert.equal(spawnSync('bash', ['-n', file]).status, 0);
      const globals = sb.globalArgs.join(' ');
      const probe = `source ${file}
complete -p mydocker
t() { COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); COMP_WORDS[0]=${MYDOCKER}; _mydocker; echo "\${COMPREPLY[*]}"; }
t "mydocker ${globals} stop "
t "mydocker ${globals} container rest"
t "mydocker ${globals} run --rm busy"
t "mydocker ${globals} logs --"`;
      const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const [registered, containers, verbs, images, flags] = r.stdout.split('\n');
      assert.equal(registered, 'complete -F _mydocker mydocker');
      assert.equal(containers, 'comp-c');
      assert.equal(verbs, 'restart');
      assert.equal(images, 'busybox:latest');
      assert.deepEqual(flags.split(' ').sort(), ['--details', '--follow', '--since', '--tail', '--timestamps', '--until']);
    } finally {
      ok(['rm', 'comp-c']);
    }
  });

  test('zsh and fish scripts (syntax-checked where the shell is installed); a bad shell is refused', () => {
    for (const shell of ['zsh', 'fish']) {
      const script = out(['completion', shell]);
      assert.match(script, /mydocker/);
      const file = path.join(sb.dir, `mydocker.${shell}`);
      fs.writeFileSync(file, script);
      const has = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
      if (has) assert.equal(spawnSync(shell, shell === 'zsh' ? ['-n', file] : ['--no-execute', file]).status, 0, `${shell} rejects its script`);
    }
    assert.equal(sb.run(['completion', 'powershell']).code, 125);
  });
});

describe('small flags', () => {
  test('images --filter: dangling, label, reference, before and since', () => {
    const tar = path.join(sb.dir, 'rootfs.tar');
    ok(['create', '--name', 'img-src', 'busybox', 'true']);
    ok(['export', '-o', tar, 'img-src']);
    ok(['rm', 'img-src']);
    ok(['import', '--change', 'LABEL tier=web', tar, 'filt-a:1']);
    ok(['import', tar, 'filt-b:1']);
    ok(['tag', 'filt-b:1', 'other/filt-b:2']);
    const untagged = out(['import', tar]).trim() || '';
    try {
      const list = (...f: string[]) => out(['images', ...f.flatMap((x) => ['--filter', x]), '--format', '{{.Repository}}:{{.Tag}}']).trim().split('\n').filter(Boolean).sort();
      assert.deepEqual(list('dangling=true'), ['<none>:<none>']);
      assert.deepEqual(list('dangling=false'), ['busybox:latest', 'filt-a:1', 'filt-b:1', 'other/filt-b:2']);
      assert.deepEqual(list('label=tier=web'), ['filt-a:1']);
      assert.deepEqual(list('label=tier'), ['filt-a:1']);
      assert.deepEqual(list('reference=filt-*'), ['filt-a:1', 'filt-b:1']);
      assert.deepEqual(list('reference=*/filt-b'), ['other/filt-b:2']);
      assert.deepEqual(list('reference=filt-b:1'), ['filt-b:1']);
      assert.deepEqual(list('since=filt-a:1', 'dangling=false'), ['filt-b:1', 'other/filt-b:2']);
      assert.deepEqual(list('before=filt-b:1'), ['busybox:latest', 'filt-a:1']);
      assert.equal(sb.run(['images', '--filter', 'colour=red']).code, 125);
      assert.equal(sb.run(['images', '--filter', 'before=no-such-image']).code, 125);
    } finally {
      ok(['rmi', 'filt-a:1', 'filt-b:1', 'other/filt-b:2']);
      if (untagged) sb.run(['rmi', untagged]);
    }
  });

  test('ps --size and inspect --size: the writable layer, and with the image "virtual"', () => {
    ok(['run', '--name', 'size-c', 'busybox', 'sh', '-c', 'head -c 12345 /dev/zero > /blob']);
    try {
      const doc = JSON.parse(out(['inspect', '--size', 'size-c']))[0];
      const imageSize = Number(out(['image', 'inspect', '-f', '{{.Size}}', 'busybox']).trim());
      assert.ok(doc.SizeRw >= 12345 && doc.SizeRw < 12345 + 4096, String(doc.SizeRw));
      assert.equal(doc.SizeRootFs, doc.SizeRw + imageSize);
      assert.equal(JSON.parse(out(['inspect', 'size-c']))[0].SizeRw, undefined);
      assert.equal(out(['container', 'inspect', '-s', '-f', '{{.SizeRw}}', 'size-c']).trim(), String(doc.SizeRw));
      const table = out(['ps', '-a', '--size']).split('\n');
      assert.match(table[0], /\bNAMES\s+SIZE$/);
      const row = table.find((l) => l.includes('size-c')) ?? '';
      assert.match(row, /size-c\s+12\.\dkB \(virtual \d+(\.\d+)?MB\)$/);
      assert.match(out(['ps', '-a', '--filter', 'name=size-c', '--format', '{{.Size}}']), /^12\.\dkB \(virtual /);
    } finally {
      ok(['rm', 'size-c']);
    }
  });

  test('logs --details puts the (here empty) attributes and a space before each line, after the timestamp', () => {
    ok(['run', '--name', 'details-c', 'busybox', 'sh', '-c', 'echo one; echo two']);
    try {
      assert.equal(out(['logs', 'details-c']), 'one\ntwo\n');
      assert.equal(out(['logs', '--details', 'details-c']), ' one\n two\n');
      const stamped = out(['logs', '--details', '-t', 'details-c']).split('\n').filter(Boolean);
      for (const [i, word] of ['one', 'two'].entries()) assert.match(stamped[i], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  ${word}$`));
    } finally {
      ok(['rm', 'details-c']);
    }
  });
});

describe('system prune', () => {
  test('stopped containers, unused networks, dangling images; volumes only with --volumes; the prompt says no', () => {
    ok(['network', 'create', 'prune-net']);
    ok(['run', '--name', 'prune-c', '-v', '/data', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /blob']);
    ok(['run', '-d', '--name', 'prune-live', 'busybox', 'sleep', '60']);
    const tar = path.join(sb.dir, 'prune.tar');
    ok(['export', '-o', tar, 'prune-c']);
    const dangling = out(['import', tar]).trim();
    try {
      const id = out(['inspect', '-f', '{{.Id}}', 'prune-c']).trim();
      const vol = out(['volume', 'ls', '-q']).trim();
      assert.ok(vol, 'no anonymous volume');
      // answering no removes nothing
      const no = sb.run(['system', 'prune'], { input: 'n\n' });
      assert.equal(no.code, 0, no.stderr);
      assert.match(no.stdout, /WARNING! This will remove:\n {2}- all stopped containers\n {2}- all networks not used by at least one container\n {2}- all dangling images\n\nAre you sure you want to continue\? \[y\/N\] /);
      assert.equal(out(['ps', '-a', '-q', '--filter', 'name=prune-c']).trim().length, 12);

      const r = out(['system', 'prune', '-f']);
      assert.match(r, new RegExp(`^Deleted Containers:\\n${id}\\n\\n`));
      assert.match(r, /Deleted Networks:\nprune-net\n\n/);
      assert.match(r, new RegExp(`Deleted Images:\\n(.*\\n)*deleted: ${dangling}\\n`));
      assert.match(r, /\nTotal reclaimed space: \d+(\.\d+)?[kM]?B\n$/);
      assert.doesNotMatch(r, /Deleted Volumes/);
      // what was named is gone, what runs or is used stays
      assert.equal(sb.run(['inspect', 'prune-c']).code, 125);
      assert.equal(sb.run(['network', 'inspect', 'prune-net']).code, 125);
      assert.equal(sb.run(['image', 'inspect', dangling]).code, 125);
      assert.equal(out(['inspect', '-f', '{{.State.Running}}', 'prune-live']).trim(), 'true');
      assert.match(out(['images', '--format', '{{.Repository}}']), /^busybox$/m);
      assert.equal(out(['volume', 'ls', '-q']).trim(), vol);

      const withVolumes = out(['system', 'prune', '-f', '--volumes']);
      assert.match(withVolumes, new RegExp(`^Deleted Volumes:\\n${vol}\\n\\nTotal reclaimed space: `));
      assert.equal(out(['volume', 'ls', '-q']).trim(), '');
    } finally {
      sb.run(['rm', '-f', 'prune-c', 'prune-live']);
      sb.run(['network', 'rm', 'prune-net']);
      sb.run(['rmi', dangling]);
    }
  });
});

describe('the Engine API shares the implementations', () => {
  const api = new ApiServiceProcess(sb);
  before(async () => {
    await api.start();
  });
  after(async () => {
    assert.deepEqual(await api.stop(), [], 'the service did not stop cleanly');
  });

  test('docker diff and docker info through the service say what mydocker says', () => {
    ok(['run', '--name', 'api-diff', 'busybox', 'sh', '-c', 'touch /made; rm /bin/ls; echo out; echo err >&2']);
    try {
      const d = api.docker(['diff', 'api-diff']);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, out(['diff', 'api-diff']));
      assert.deepEqual(d.stdout.trim().split('\n'), ['C /bin', 'D /bin/ls', 'A /made']);
      // docker's own pretty printer accepts the engine's info document
      const info = api.docker(['info']);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /^ Containers: 1$/m);
      assert.match(info.stdout, /^ Storage Driver: overlay2$/m);
      assert.match(info.stdout, new RegExp(`^ Docker Root Dir: ${sb.root}$`, 'm'));
      const logs = api.docker(['logs', '--details', 'api-diff']);
      assert.equal(logs.code, 0, logs.stderr);
      assert.deepEqual([logs.stdout, logs.stderr], [' out\n', ' err\n']);
      const mine = sb.run(['logs', '--details', 'api-diff']);
      assert.deepEqual([mine.stdout, mine.stderr], [' out\n', ' err\n']);
      // sizes: docker's own formatting of the service's SizeRw/SizeRootFs matches ours
      const psArgs = ['ps', '-a', '--size', '--filter', 'name=api-diff', '--format', '{{.Names}} {{.Size}}'];
      const dockerPs = api.docker(psArgs);
      assert.equal(dockerPs.code, 0, dockerPs.stderr);
      assert.match(dockerPs.stdout, /^api-diff \d+B \(virtual [\d.]+MB\)\n$/);
      assert.equal(dockerPs.stdout, out(psArgs));
      assert.equal(api.docker(['inspect', '--size', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'api-diff']).stdout, out(['inspect', '--size', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'api-diff']));
      const f = api.docker(['info', '--format', '{{.ContainersStopped}} {{.CgroupVersion}}']);
      assert.equal(f.stdout, out(['info', '--format', '{{.ContainersStopped}} {{.CgroupVersion}}']));
    } finally {
      ok(['rm', 'api-diff']);
    }
  });
});
