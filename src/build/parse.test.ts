import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors/errors';
import type { Instruction } from './ast';
import { nameValues } from './name-values';
import { parseDockerfile } from './parse';

/** The only instruction of the first stage of `FROM x` + body. */
function one(body: string, escapeLine = ''): Instruction {
  const df = parseDockerfile(`${escapeLine}FROM busybox\n${body}\n`);
  assert.equal(df.stages[0].instructions.length, 1, 'one instruction');
  return df.stages[0].instructions[0];
}

type Want = Partial<Pick<Instruction, 'keyword' | 'text' | 'json' | 'flags' | 'line' | 'endLine' | 'heredocs'>>;

// [Dockerfile body after "FROM busybox\n", what the single instruction must have]
const instructions: [string, Want][] = [
  ['RUN echo hi', { keyword: 'RUN', text: 'echo hi', json: undefined, line: 2, endLine: 2 }],
  ['run echo hi', { keyword: 'RUN', text: 'echo hi' }],
  ['Run   echo   hi   ', { keyword: 'RUN', text: 'echo   hi' }],
  ['RUN ["echo", "hi"]', { json: ['echo', 'hi'] }],
  ['RUN [ "echo" ,"a b" ]', { json: ['echo', 'a b'] }],
  ['RUN [echo, hi]', { json: undefined, text: '[echo, hi]' }],
  ['RUN ["echo", 1]', { json: undefined }],
  ['RUN ["unterminated"', { json: undefined }],
  ['RUN --network=none --mount=type=cache,target=/c --mount=type=tmpfs,target=/t make', {
    flags: { network: ['none'], mount: ['type=cache,target=/c', 'type=tmpfs,target=/t'] }, text: 'make' }],
  ['RUN --mount="type=bind,source=a b" ls', { flags: { mount: ['type=bind,source=a b'] }, text: 'ls' }],
  ['RUN -- --notaflag', { flags: {}, text: '--notaflag' }],
  ['CMD ["nginx", "-g", "daemon off;"]', { keyword: 'CMD', json: ['nginx', '-g', 'daemon off;'] }],
  ['CMD nginx -g "daemon off;"', { json: undefined, text: 'nginx -g "daemon off;"' }],
  ['CMD []', { json: [] }],
  ['ENTRYPOINT ["/bin/sh", "-c"]', { keyword: 'ENTRYPOINT', json: ['/bin/sh', '-c'] }],
  ['ENTRYPOINT exec top -b', { text: 'exec top -b' }],
  ['SHELL ["/bin/bash", "-o", "pipefail", "-c"]', { keyword: 'SHELL', json: ['/bin/bash', '-o', 'pipefail', '-c'] }],
  ['ENV A=1 B="two words" C=three\\ words', { keyword: 'ENV', text: 'A=1 B="two words" C=three\\ words' }],
  ['ENV LEGACY value with spaces', { text: 'LEGACY value with spaces' }],
  ['ENV A=', { text: 'A=' }],
  ['ARG V', { keyword: 'ARG', text: 'V' }],
  ['ARG V=1 W', { text: 'V=1 W' }],
  ['LABEL a=b "c d"="e f"', { keyword: 'LABEL' }],
  ['LABEL maintainer someone', { keyword: 'LABEL' }],
  ['EXPOSE 80 443/tcp 53/udp', { keyword: 'EXPOSE', text: '80 443/tcp 53/udp' }],
  ['VOLUME /data /logs', { keyword: 'VOLUME', json: undefined }],
  ['VOLUME ["/data"]', { json: ['/data'] }],
  ['WORKDIR /app dir', { keyword: 'WORKDIR', text: '/app dir' }],
  ['USER app:app', { keyword: 'USER', text: 'app:app' }],
  ['STOPSIGNAL SIGKILL', { keyword: 'STOPSIGNAL', text: 'SIGKILL' }],
  ['MAINTAINER Jane <j@example.com>', { keyword: 'MAINTAINER', text: 'Jane <j@example.com>' }],
  ['HEALTHCHECK NONE', { keyword: 'HEALTHCHECK', text: 'NONE', flags: {} }],
  ['HEALTHCHECK none', { text: 'none' }],
  ['HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --retries=3 CMD curl -f http://x/ || exit 1', {
    flags: { interval: ['5m'], timeout: ['3s'], 'start-period': ['1m30s'], retries: ['3'] },
    text: 'CMD curl -f http://x/ || exit 1', json: undefined }],
  ['HEALTHCHECK cmd ["curl", "-f", "x"]', { json: ['curl', '-f', 'x'] }],
  ['COPY a b', { keyword: 'COPY', text: 'a b', flags: {} }],
  ['COPY --from=build --chown=1:2 --chmod=0755 --link /out /bin/', {
    flags: { from: ['build'], chown: ['1:2'], chmod: ['0755'], link: ['true'] }, text: '/out /bin/' }],
  ['COPY --link=false a b', { flags: { link: ['false'] } }],
  ['COPY --exclude=*.md --exclude=*.txt . /src', { flags: { exclude: ['*.md', '*.txt'] } }],
  ['COPY ["a b", "/dst/"]', { json: ['a b', '/dst/'] }],
  ['COPY a "<<notheredoc" /d', { heredocs: [] }],
  ['ADD --chown=app --keep-git-dir --checksum=sha256:0 x.tar /', {
    keyword: 'ADD', flags: { chown: ['app'], 'keep-git-dir': ['true'], checksum: ['sha256:0'] } }],
  ['ONBUILD RUN echo later', { keyword: 'ONBUILD', text: 'RUN echo later' }],
  ['RUN echo a \\\n  b', { text: 'echo a   b', line: 2, endLine: 3 }],
  ['RUN echo a \\  \t\n  b', { text: 'echo a   b' }],
  ['RUN echo a \\\n# comment inside\n  b', { text: 'echo a   b', endLine: 4 }],
  ['RUN echo a \\\n   # indented comment\n  b', { text: 'echo a   b' }],
  ['RUN echo a \\\n\n   \n  b', { text: 'echo a   b', endLine: 5 }],
  // as docker: a line ending in an escaped escape char still continues (the check is "escape char at line end")
  ['RUN echo a \\\\\nCMD x', { text: 'echo a \\CMD x' }],
  ['RUN echo a \\', { text: 'echo a' }],
  ['RUN echo "a # not a comment"', { text: 'echo "a # not a comment"' }],
  ['RUN echo a # not a comment either', { text: 'echo a # not a comment either' }],
  ['RUN \\\n echo x', { text: ' echo x'.trim() }],
  ['RUN echo a\r\n', { text: 'echo a' }],
];

describe('every instruction', () => {
  for (const [body, want] of instructions) {
    it(JSON.stringify(body), () => {
      const df = parseDockerfile(`FROM busybox\n${body}\n`);
      const ins = df.stages[0].instructions[0];
      for (const [k, v] of Object.entries(want)) assert.deepEqual(ins[k as keyof Instruction], v, k);
    });
  }
  it('keeps the JSON of HEALTHCHECK CMD separately from the text', () => {
    const ins = one('HEALTHCHECK --interval=1s CMD ["true"]');
    assert.equal(ins.text, 'CMD ["true"]');
    assert.deepEqual(ins.json, ['true']);
  });
  it('ONBUILD wraps a parsed inner instruction with its flags', () => {
    const ins = one('ONBUILD COPY --from=x ["a", "b"]');
    assert.equal(ins.inner?.keyword, 'COPY');
    assert.deepEqual(ins.inner?.flags, { from: ['x'] });
    assert.deepEqual(ins.inner?.json, ['a', 'b']);
    assert.equal(ins.inner?.line, 2);
  });
  it('does not treat the body of a continued line as a new instruction', () => {
    const df = parseDockerfile('FROM a\nRUN one \\\n  && two\nRUN three\n');
    assert.deepEqual(df.stages[0].instructions.map((i) => [i.text, i.line, i.endLine]), [
      ['one   && two', 2, 3],
      ['three', 4, 4],
    ]);
  });
});

describe('the backtick escape directive', () => {
  it('continues lines with ` and keeps backslashes literal', () => {
    const df = parseDockerfile('# escape=`\nFROM win\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n  /b\n');
    assert.equal(df.escape, '`');
    const [copy, run] = df.stages[0].instructions;
    assert.equal(copy.text, 'testfile.txt c:\\');
    assert.equal(run.text, 'dir c:\\   /b');
    assert.deepEqual([run.line, run.endLine], [4, 5]);
  });
  it('uses backslash by default, so a trailing \\ continues', () => {
    const df = parseDockerfile('FROM win\nCOPY testfile.txt c:\\\nRUN dir c:\\\n');
    assert.equal(df.stages[0].instructions.length, 1);
    assert.equal(df.stages[0].instructions[0].text, 'testfile.txt c:RUN dir c:');
  });
  it('accepts escape=\\ explicitly, case-insensitive and spaced', () => {
    assert.equal(parseDockerfile('#  ESCAPE = \\\nFROM a\n').escape, '\\');
  });
});

describe('parser directives', () => {
  const cases: [string, string, string | undefined][] = [
    ['# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n', '`', 'docker/dockerfile:1'],
    ['# escape=`\n# syntax=x\nFROM a\n', '`', 'x'],
    ['# unknown=1\n# escape=`\nFROM a\n', '\\', undefined],
    ['# a comment\n# escape=`\nFROM a\n', '\\', undefined],
    ['\n# escape=`\nFROM a\n', '\\', undefined],
    ['FROM a\n# escape=`\n', '\\', undefined],
    ['# escape=\nFROM a\n', '\\', undefined],
    ['# check=skip=all\n# escape=`\nFROM a\n', '`', undefined],
    ['\uFEFF# escape=`\nFROM a\n', '`', undefined],
  ];
  for (const [text, escape, syntax] of cases) {
    it(JSON.stringify(text), () => {
      const df = parseDockerfile(text);
      assert.equal(df.escape, escape);
      assert.equal(df.syntax, syntax);
    });
  }
});

describe('heredocs', () => {
  it('RUN <<EOF with the body up to the terminator', () => {
    const ins = one('RUN <<EOF\necho "$HOME"\n  indented\nEOF');
    assert.equal(ins.text, '<<EOF');
    assert.deepEqual(ins.heredocs, [{ name: 'EOF', content: 'echo "$HOME"\n  indented\n', literal: false }]);
    assert.deepEqual([ins.line, ins.endLine], [2, 5]);
  });
  it('<<- strips leading tabs from the body and the terminator', () => {
    const ins = one('RUN <<-EOT bash\n\techo a\n\t\t  b\n\tEOT');
    assert.deepEqual(ins.heredocs, [{ name: 'EOT', content: 'echo a\n  b\n', literal: false }]);
  });
  it('quoted delimiters make the body literal', () => {
    assert.equal(one('RUN <<"EOF"\n$X\nEOF').heredocs[0].literal, true);
    assert.equal(one("RUN <<'EOF'\n$X\nEOF").heredocs[0].literal, true);
    assert.equal(one("RUN <<'EOF'\n$X\nEOF").heredocs[0].name, 'EOF');
  });
  it('several heredocs on one COPY line, bodies in order', () => {
    const df = parseDockerfile('FROM a\nCOPY <<one <<two /dst/\nfirst\none\nsecond\ntwo\nRUN cat /dst/one\n');
    const [copy, run] = df.stages[0].instructions;
    assert.deepEqual(copy.heredocs.map((h) => [h.name, h.content]), [['one', 'first\n'], ['two', 'second\n']]);
    assert.deepEqual([copy.line, copy.endLine, run.line], [2, 6, 7]);
  });
  it('a heredoc after a continued line, body kept verbatim (comments, blank lines, backslashes)', () => {
    const ins = one('RUN python3 \\\n  <<EOF\n# not a comment\n\nprint("a\\\\")\nEOF');
    assert.equal(ins.heredocs[0].content, '# not a comment\n\nprint("a\\\\")\n');
  });
  it('an empty body', () => assert.equal(one('RUN <<EOF\nEOF').heredocs[0].content, ''));
  it('COPY with a file-named heredoc and a redirect-looking word', () => {
    const ins = one('COPY <<file.txt /etc/\nhello\nfile.txt');
    assert.equal(ins.heredocs[0].name, 'file.txt');
  });
  it('no heredoc in JSON form, quotes, here-strings or other instructions', () => {
    assert.deepEqual(one('RUN ["cat", "<<EOF"]').heredocs, []);
    assert.deepEqual(one("RUN echo '<<EOF'").heredocs, []);
    assert.deepEqual(one('RUN cat <<<word').heredocs, []);
    assert.deepEqual(one('CMD cat <<EOF').heredocs, []);
    assert.deepEqual(one('RUN echo \\<<EOF').heredocs, []);
  });
});

describe('stages', () => {
  it('splits global ARGs and stages, lower-cases names', () => {
    const df = parseDockerfile([
      '# syntax=docker/dockerfile:1',
      'ARG BASE=busybox',
      'ARG V',
      'FROM --platform=linux/amd64 ${BASE}:${V} AS Builder',
      'ARG V',
      'RUN make',
      '',
      'from scratch as final',
      'COPY --from=builder /out /',
      'FROM final',
    ].join('\n'));
    assert.deepEqual(df.globalArgs.map((a) => a.text), ['BASE=busybox', 'V']);
    assert.deepEqual(df.stages.map((s) => [s.index, s.baseRef, s.name, s.instructions.length]), [
      [0, '${BASE}:${V}', 'builder', 2],
      [1, 'scratch', 'final', 1],
      [2, 'final', undefined, 0],
    ]);
    assert.deepEqual(df.stages[0].from.flags, { platform: ['linux/amd64'] });
    assert.equal(df.stages[0].from.line, 4);
  });
  it('stage names may hold digits, dots, dashes and underscores', () => {
    assert.equal(parseDockerfile('FROM a AS s1.b-c_d').stages[0].name, 's1.b-c_d');
  });
});

// [Dockerfile, message] — the whole message, so the "Dockerfile:<line>: " form is pinned
const errors: [string, string][] = [
  ['FROM a\nRUNN x', 'Dockerfile:2: unknown instruction: RUNN'],
  ['FROM a\n\n\n  bogus x', 'Dockerfile:4: unknown instruction: BOGUS'],
  ['RUN x\nFROM a', 'Dockerfile:1: no build stage in current context: RUN before the first FROM'],
  ['# c\nARG A\nENV B=1\nFROM a', 'Dockerfile:3: no build stage in current context: ENV before the first FROM'],
  ['', 'Dockerfile: the Dockerfile has no FROM instruction (no build stage)'],
  ['# only a comment\nARG A', 'Dockerfile: the Dockerfile has no FROM instruction (no build stage)'],
  ['FROM', 'Dockerfile:1: FROM requires either one or three arguments'],
  ['FROM a b', 'Dockerfile:1: FROM requires either one or three arguments'],
  ['FROM a IS b', 'Dockerfile:1: FROM requires either one or three arguments'],
  ['FROM a AS 1x', 'Dockerfile:1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
  ['FROM a AS b$c', 'Dockerfile:1: invalid name for build stage: "b$c", name can\'t start with a number or contain symbols'],
  ['FROM a AS x\nFROM b AS X', 'Dockerfile:2: duplicate stage name "x"'],
  ['FROM --platform a', 'Dockerfile:1: missing a value on flag: --platform'],
  ['FROM --from=x a', 'Dockerfile:1: unknown flag: --from for FROM'],
  ['FROM a\nRUN', 'Dockerfile:2: RUN requires at least one argument'],
  ['FROM a\nRUN []', 'Dockerfile:2: RUN requires at least one argument'],
  ['FROM a\nRUN --bogus=1 x', 'Dockerfile:2: unknown flag: --bogus for RUN'],
  ['FROM a\nRUN --network=a --network=b x', 'Dockerfile:2: duplicate flag specified: --network'],
  ['FROM a\nENV', 'Dockerfile:2: ENV requires at least one argument'],
  ['FROM a\nENV A', 'Dockerfile:2: ENV must have two arguments'],
  ['FROM a\nENV A=1 B', 'Dockerfile:2: syntax error - can\'t find = in "B". Must be of the form: name=value'],
  ['FROM a\nENV =1', 'Dockerfile:2: ENV names can not be blank'],
  ['FROM a\nLABEL', 'Dockerfile:2: LABEL requires at least one argument'],
  ['FROM a\nLABEL k', 'Dockerfile:2: LABEL must have two arguments'],
  ['FROM a\nARG', 'Dockerfile:2: ARG requires at least one argument'],
  ['FROM a\nARG =x', 'Dockerfile:2: ARG names can not be blank'],
  ['FROM a\nEXPOSE', 'Dockerfile:2: EXPOSE requires at least one argument'],
  ['FROM a\nVOLUME', 'Dockerfile:2: VOLUME requires at least one argument'],
  ['FROM a\nVOLUME []', 'Dockerfile:2: VOLUME requires at least one argument'],
  ['FROM a\nVOLUME ["/a", " "]', 'Dockerfile:2: VOLUME specified can not be an empty string'],
  ['FROM a\nWORKDIR', 'Dockerfile:2: WORKDIR requires exactly one argument'],
  ['FROM a\nUSER', 'Dockerfile:2: USER requires exactly one argument'],
  ['FROM a\nSTOPSIGNAL', 'Dockerfile:2: STOPSIGNAL requires exactly one argument'],
  ['FROM a\nMAINTAINER', 'Dockerfile:2: MAINTAINER requires exactly one argument'],
  ['FROM a\nSHELL /bin/sh -c', 'Dockerfile:2: SHELL requires the arguments to be in JSON form'],
  ['FROM a\nSHELL []', 'Dockerfile:2: SHELL requires at least one argument'],
  ['FROM a\nCOPY', 'Dockerfile:2: COPY requires at least two arguments'],
  ['FROM a\nCOPY onlyone', 'Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['FROM a\nADD ["x"]', 'Dockerfile:2: ADD requires at least two arguments, but only one was provided. Destination could not be determined'],
  ['FROM a\nCOPY <<EOF\nx\nEOF', 'Dockerfile:2: COPY requires at least two arguments, but only heredoc was provided. Destination could not be determined'],
  ['FROM a\nCOPY --from a b', 'Dockerfile:2: missing a value on flag: --from'],
  ['FROM a\nCOPY --link=maybe a b', 'Dockerfile:2: expecting boolean value for flag --link, not: maybe'],
  ['FROM a\nCOPY --checksum=x a b', 'Dockerfile:2: unknown flag: --checksum for COPY'],
  ['FROM a\nADD --from=x a b', 'Dockerfile:2: unknown flag: --from for ADD'],
  ['FROM a\nWORKDIR --x=1 /', 'Dockerfile:2: unknown flag: --x for WORKDIR'],
  ['FROM a\nHEALTHCHECK', 'Dockerfile:2: HEALTHCHECK requires at least one argument'],
  ['FROM a\nHEALTHCHECK NONE x', 'Dockerfile:2: HEALTHCHECK NONE takes no arguments'],
  ['FROM a\nHEALTHCHECK --retries=3 NONE', 'Dockerfile:2: HEALTHCHECK NONE takes no arguments'],
  ['FROM a\nHEALTHCHECK curl x', 'Dockerfile:2: unknown type "curl" in HEALTHCHECK (try CMD)'],
  ['FROM a\nHEALTHCHECK CMD', 'Dockerfile:2: missing command after HEALTHCHECK CMD'],
  ['FROM a\nHEALTHCHECK --interval=5 CMD true', 'Dockerfile:2: invalid duration for --interval: 5'],
  ['FROM a\nHEALTHCHECK --timeout=-1s CMD true', 'Dockerfile:2: --timeout cannot be negative'],
  ['FROM a\nHEALTHCHECK --retries=x CMD true', 'Dockerfile:2: invalid --retries value: x'],
  ['FROM a\nHEALTHCHECK --bogus=1 CMD true', 'Dockerfile:2: unknown flag: --bogus for HEALTHCHECK'],
  ['FROM a\nONBUILD', 'Dockerfile:2: ONBUILD requires at least one argument'],
  ['FROM a\nONBUILD ONBUILD RUN x', 'Dockerfile:2: chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
  ['FROM a\nONBUILD FROM b', 'Dockerfile:2: FROM isn\'t allowed as an ONBUILD trigger'],
  ['FROM a\nONBUILD maintainer me', 'Dockerfile:2: MAINTAINER isn\'t allowed as an ONBUILD trigger'],
  ['FROM a\nONBUILD RUNN x', 'Dockerfile:2: unknown instruction: RUNN'],
  ['FROM a\nONBUILD RUN', 'Dockerfile:2: RUN requires at least one argument'],
  ['FROM a\nRUN <<EOF\nno end', 'Dockerfile:2: unterminated heredoc EOF'],
  ['FROM a\nRUN <<-EOF\n  EOF', 'Dockerfile:2: unterminated heredoc EOF'],
  ['FROM a\nRUN x \\\n  y\nRUNN', 'Dockerfile:4: unknown instruction: RUNN'],
  ['FROM a\nRUN <<EOF\nRUNN\nEOF\nRUNN', 'Dockerfile:5: unknown instruction: RUNN'],
  ['# escape=x\nFROM a', 'Dockerfile:1: invalid escape token \'x\' does not match ` or \\'],
  ['# escape=`\n# escape=\\\nFROM a', 'Dockerfile:2: only one escape parser directive can be used'],
  ['# syntax=a\n# syntax=b\nFROM a', 'Dockerfile:2: only one syntax parser directive can be used'],
];

describe('errors name the line', () => {
  for (const [text, message] of errors) {
    it(JSON.stringify(text), () => {
      assert.throws(() => parseDockerfile(text), (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError, `InvalidArgumentError, got ${String(e)}`);
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

describe('nameValues (ENV/LABEL/ARG for the executor)', () => {
  const vars: Record<string, string> = { X: 'ex', S: 'a b=c' };
  const lookup = (n: string): string | undefined => vars[n];
  const cases: [string, [string, string | undefined][]][] = [
    ['ENV A=1 B="two words" C=three\\ words D=', [['A', '1'], ['B', 'two words'], ['C', 'three words'], ['D', '']]],
    ['ENV LEGACY value  "with" spaces', [['LEGACY', 'value  with spaces']]],
    ['ENV A=$X B=${X}2 C=$S', [['A', 'ex'], ['B', 'ex2'], ['C', 'a b=c']]],
    ["ENV A='$X'", [['A', '$X']]],
    ['LABEL "com.example.x"="y z" k=v', [['com.example.x', 'y z'], ['k', 'v']]],
    ['ARG A B=${X:-d} C=', [['A', undefined], ['B', 'ex'], ['C', '']]],
  ];
  for (const [line, want] of cases) {
    it(line, () => {
      const ins = one(line);
      assert.deepEqual(nameValues(ins, lookup, '\\').map((p) => [p.name, p.value]), want);
    });
  }
});

describe('mutations of a valid Dockerfile parse or throw InvalidArgumentError, nothing else', () => {
  const base = [
    '# syntax=docker/dockerfile:1',
    '# escape=\\',
    'ARG BASE=busybox',
    'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
    'ENV A=1 B="x y" \\',
    '    C=3',
    '# a comment',
    'RUN --mount=type=cache,target=/c <<-EOF sh',
    '\techo "$A" \'b\' > /out',
    '\tEOF',
    'COPY --from=build --chown=1:1 ["/out", "/in/"]',
    'COPY <<a <<"b" /d/',
    'x',
    'a',
    'y',
    'b',
    'HEALTHCHECK --interval=1s CMD ["true"]',
    'ONBUILD RUN echo ${A:-z}',
    'LABEL k=v',
    'EXPOSE 80/tcp',
    'VOLUME ["/v"]',
    'WORKDIR /w',
    'USER u:g',
    'SHELL ["/bin/sh", "-c"]',
    'STOPSIGNAL SIGTERM',
    'CMD echo done',
  ].join('\n');
  const alphabet = ['\\', '`', '"', "'", '$', '{', '}', '[', ']', '<<', '<<-', '#', '=', '--', ' ', '\n', '\t', '\r', 'EOF', 'FROM ', 'AS ', ',', ':', '-', 'x'];
  // a fixed-seed generator: failures reproduce
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  it('parses the unmutated base', () => assert.equal(parseDockerfile(base).stages.length, 1));
  it('2000 random mutations', () => {
    let parsed = 0;
    let refused = 0;
    for (let round = 0; round < 2000; round++) {
      let text = base;
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(text.length + 1);
        const kind = rand(3);
        if (kind === 0) text = text.slice(0, at) + alphabet[rand(alphabet.length)] + text.slice(at);
        else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + rand(8));
        else {
          const lines = text.split('\n');
          const i = rand(lines.length);
          lines.splice(rand(lines.length), 0, lines.splice(i, 1)[0]);
          text = lines.join('\n');
        }
      }
      try {
        parseDockerfile(text);
        parsed++;
      } catch (e) {
        if (!(e instanceof InvalidArgumentError)) assert.fail(`${String(e)} for ${JSON.stringify(text)}`);
        assert.doesNotMatch(e.message, /\n/, 'one-line message');
        refused++;
      }
    }
    assert.ok(parsed > 100 && refused > 100, `both outcomes seen: parsed ${parsed}, refused ${refused}`);
  });
});
