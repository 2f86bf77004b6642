import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnyCommand } from './command';
import { commandGroup, inlineVerb } from './command-group';
import { argKind, bashScript, buildModel, fishScript, zshScript } from './completion';

const verb = (name: string, options: AnyCommand['options'] = []): AnyCommand => ({
  name, usage: '', summary: `the ${name} verb`, options, toOptions: () => ({}), run: async () => 0,
});

const COMMANDS = {
  stop: async () => ({ command: verb('stop', [{ name: 'time', short: 't', type: 'string', description: 'Seconds to wait' }]) }),
  run: async () => ({ command: verb('run', [{ name: 'rm', type: 'bool', description: 'Remove on exit' }, { name: 'hidden', type: 'bool', description: '', hidden: true }]) }),
  internal: async () => ({ command: verb('internal') }),
  network: async () => ({ command: commandGroup('network', 'Manage networks', { ls: inlineVerb(verb('network ls', [{ name: 'quiet', short: 'q', type: 'bool', description: 'IDs only' }]), ['list']), rm: inlineVerb(verb('network rm')) }) as AnyCommand }),
};

test('the model: visible commands only, summaries from the table, group verbs with aliases, flags without hidden ones', async () => {
  const model = await buildModel(COMMANDS, [{ name: 'root', type: 'string', description: 'state dir' }]);
  assert.deepEqual(model.commands.map((c) => c.name), ['network', 'run', 'stop']);
  const network = model.commands[0];
  assert.deepEqual(network.subcommands?.map((s) => s.name), ['ls', 'list', 'rm']);
  assert.deepEqual(network.subcommands?.[0].flags, [{ long: 'quiet', short: 'q', takesValue: false, description: 'IDs only' }]);
  assert.equal(model.commands[1].summary, 'Create and run a new container from an image');
  assert.deepEqual(model.commands[1].flags.map((f) => f.long), ['rm']);
  assert.deepEqual(model.commands[2].flags, [{ long: 'time', short: 't', takesValue: true, description: 'Seconds to wait' }]);
});

test('what positionals complete to', () => {
  assert.equal(argKind('stop'), 'container');
  assert.equal(argKind('container stop'), 'container');
  assert.equal(argKind('container inspect'), 'container');
  assert.equal(argKind('inspect'), 'container-or-image');
  assert.equal(argKind('run'), 'image');
  assert.equal(argKind('image rm'), 'image');
  assert.equal(argKind('image ls'), 'none');
  assert.equal(argKind('network rm'), 'network');
  assert.equal(argKind('volume inspect'), 'volume');
  assert.equal(argKind('ps'), 'none');
});

test('the bash script parses, registers itself and completes commands, verbs and flags', async () => {
  const model = await buildModel(COMMANDS, [{ name: 'root', type: 'string', description: 'state dir' }]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'completion-'));
  try {
    const file = path.join(dir, 'c.bash');
    fs.writeFileSync(file, bashScript(model));
    assert.equal(spawnSync('bash', ['-n', file]).status, 0);
    const probe = `source ${file}
complete -p mydocker
t() { COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _mydocker; echo "\${COMPREPLY[*]}"; }
t "mydocker "
t "mydocker netw"
t "mydocker network l"
t "mydocker network ls -"
t "mydocker --root /x stop --"`;
    const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['complete -F _mydocker mydocker', 'network run stop', 'network', 'ls list', '--quiet -q', '--time']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('zsh and fish scripts name every command with its summary and quote descriptions', async () => {
  const model = await buildModel(COMMANDS, []);
  const zsh = zshScript(model);
  assert.match(zsh, /^#compdef mydocker/);
  assert.match(zsh, /'run:Create and run a new container from an image'/);
  assert.match(zsh, /'ls:the network ls verb'/);
  const fish = fishScript(model);
  assert.match(fish, /complete -c mydocker -n __fish_use_subcommand -a stop -d 'Stop one or more running containers'/);
  assert.match(fish, /-l time -s t -r -d 'Seconds to wait'/);
  assert.doesNotMatch(fish, /internal/);
});
