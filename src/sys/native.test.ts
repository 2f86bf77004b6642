import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { sys } from './native';

describe('sys.node', () => {
  it('sha256Hex matches Node crypto, for empty, small and multi-block input', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('abc'), Buffer.alloc(100_000, 7)]) {
      assert.equal(sys().sha256Hex(data), createHash('sha256').update(data).digest('hex'));
    }
    assert.throws(() => sys().sha256Hex('abc' as unknown as Buffer), /Buffer/);
  });

  it('spawnDetached: the daemon reports its pid on fd 4, the first process is reaped with reap()', () => {
    // a Node program plays the daemonizing monitor: it starts sleep in a session of its own, reports
    // sleep's pid on fd 4 (4 bytes, host order) and exits
    const program = "const c = require('child_process').spawn('sleep', ['5'], { detached: true, stdio: 'ignore' });" +
      "const b = Buffer.alloc(4); b.writeInt32LE(c.pid); require('fs').writeSync(4, b); process.exit(0);";
    const [first, a, b] = sys().spawnDetached(process.execPath, [process.execPath, '-e', program]);
    const got = Buffer.alloc(4);
    assert.equal(fs.readSync(b, got, 0, 4, null), 4);
    const pid = got.readInt32LE(0);
    assert.equal(sys().reap(first, false), 0, 'the first process exited 0');
    try {
      assert.ok(a > 2 && b > 2 && a !== b);
      assert.notEqual(pid, first);
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      assert.match(stat, /\(sleep\)/);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      assert.notEqual(Number(fields[1]), process.pid, 'the daemon is not our child');
      // the first process is reaped: no child of ours is left, zombie or not
      const children = fs.readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim();
      assert.equal(children, '');
    } finally {
      process.kill(pid, 'SIGKILL');
      fs.closeSync(a);
      fs.closeSync(b);
    }
  });

  it('spawnDetached reports a program that cannot run', () => {
    assert.throws(() => sys().spawnDetached('/nonexistent/program', ['x']), /posix_spawn.*No such file/);
    assert.throws(() => sys().reap(0, false), /pid/);
  });
});
