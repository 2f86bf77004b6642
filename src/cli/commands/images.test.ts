import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { buildTar } from '../../archive/tar-writer';
import { makeTempDir, removeDir } from '../../archive/test-helpers';
import { silentLogger } from '../../log/log';
import { Layout } from '../../store/layout';
import { parseArgs } from '../argv';
import type { CliContext, CommandDefinition } from '../command';
import { command as imagesCommand } from './images';
import { command as importCommand } from './import';

async function runCommand<O>(cmd: CommandDefinition<O>, argv: string[], layout: Layout): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const ctx: CliContext = { layout, log: silentLogger, io: { stdout, stderr: new PassThrough() } };
  const code = await cmd.run(cmd.toOptions(parseArgs(argv, cmd.options, { command: cmd.name })), ctx);
  return { code, out };
}

describe('import and images commands', () => {
  let tmp: string;
  let layout: Layout;
  let tarFile: string;
  before(() => {
    tmp = makeTempDir('cli-images');
    layout = new Layout({ root: path.join(tmp, 'root'), runroot: path.join(tmp, 'run') });
    tarFile = path.join(tmp, 'rootfs.tar');
    fs.writeFileSync(tarFile, buildTar([{ entry: { path: 'hello', type: 'file' }, body: 'hello world' }]));
  });
  after(() => removeDir(tmp));

  it('imports with changes and prints the id, then lists it', async () => {
    const imp = await runCommand(importCommand, ['-c', 'CMD ["/hello"]', '--change=ENV A=1', '-m', 'msg', tarFile, 'x/y:1'], layout);
    assert.equal(imp.code, 0);
    assert.match(imp.out, /^sha256:[a-f0-9]{64}\n$/);
    const id = imp.out.trim();
    const table = await runCommand(imagesCommand, [], layout);
    assert.match(table.out, new RegExp(`^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\\nx/y +1 +${id.slice(7, 19)} +Less than a second ago +11B\\n$`));
    assert.equal((await runCommand(imagesCommand, ['-q', '--no-trunc'], layout)).out, `${id}\n`);
    assert.equal((await runCommand(imagesCommand, ['-q', 'x/y:2'], layout)).out, '');
    assert.equal((await runCommand(imagesCommand, ['-q', 'x/y'], layout)).out, `${id.slice(7, 19)}\n`);
  });

  it('checks its arguments', () => {
    assert.throws(() => importCommand.toOptions(parseArgs([], importCommand.options, { command: 'import' })), /requires at least 1 and at most 2 arguments/);
    assert.throws(() => importCommand.toOptions(parseArgs(['-c', 'FROM x', 'f'], importCommand.options, { command: 'import' })), /FROM is not a valid change command/);
    assert.throws(() => imagesCommand.toOptions(parseArgs(['a', 'b'], imagesCommand.options, { command: 'images' })), /at most 1 argument/);
  });
});
