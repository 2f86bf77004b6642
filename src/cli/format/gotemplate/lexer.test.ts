import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lex } from './lexer';

/** Tokens as "type:val", spaces left out. */
const toks = (s: string): string[] => lex(s).filter((i) => i.type !== 'space').map((i) => `${i.type}:${i.val}`);

test('tokens of actions', () => {
  const cases: [string, string[]][] = [
    ['a{{.X}}b', ['text:a', 'leftDelim:{{', 'field:.X', 'rightDelim:}}', 'text:b', 'eof:']],
    ['{{$x := .A.B | printf "%d" 1}}', ['leftDelim:{{', 'variable:$x', 'declare::=', 'field:.A', 'field:.B', 'pipe:|', 'identifier:printf', 'string:"%d"', 'number:1', 'rightDelim:}}', 'eof:']],
    ['{{range $i, $v := .}}', ['leftDelim:{{', 'keyword:range', 'variable:$i', 'char:,', 'variable:$v', 'declare::=', 'dot:.', 'rightDelim:}}', 'eof:']],
    ['{{(len $).X `raw` \'c\' true nil -1.5e3 0x1F}}', ['leftDelim:{{', 'leftParen:(', 'identifier:len', 'variable:$', 'rightParen:)', 'field:.X', 'rawString:`raw`', "charConstant:'c'", 'bool:true', 'nil:nil', 'number:-1.5e3', 'number:0x1F', 'rightDelim:}}', 'eof:']],
    ['{{$x = 1}}', ['leftDelim:{{', 'variable:$x', 'assign:=', 'number:1', 'rightDelim:}}', 'eof:']],
    ['{{-3}}', ['leftDelim:{{', 'number:-3', 'rightDelim:}}', 'eof:']],
  ];
  for (const [input, want] of cases) assert.deepEqual(toks(input), want, input);
});

test('trim markers eat the whitespace next to them; comments vanish', () => {
  const cases: [string, string[]][] = [
    ['a  \n{{- .X -}} \t\nb', ['text:a', 'leftDelim:{{', 'field:.X', 'rightDelim:}}', 'text:b', 'eof:']],
    ['a {{- /* note */ -}} b', ['text:a', 'text:b', 'eof:']],
    ['a {{/* note */}} b', ['text:a ', 'text: b', 'eof:']],
    ['{{.X -}}', ['leftDelim:{{', 'field:.X', 'rightDelim:}}', 'eof:']],
  ];
  for (const [input, want] of cases) assert.deepEqual(toks(input), want, input);
});

test('lexical errors end the item list', () => {
  const cases: [string, string][] = [
    ['{{.X', 'unclosed action'],
    ['{{"abc}}', 'unterminated quoted string'],
    ['{{`abc}}', 'unterminated raw quoted string'],
    ["{{'a}}", 'unterminated character constant'],
    ['{{/* x }}', 'unclosed comment'],
    ['{{/* x */ .X}}', 'comment ends before closing delimiter'],
    ['{{.X!}}', "bad character U+0021 '!'"],
    ['{{3x}}', 'bad number syntax: "3x"'],
    ['{{)}}', 'unexpected right paren'],
    ['{{(.X}}', 'unclosed left paren'],
    ['{{$x : 1}}', 'expected :='],
    ['{{\u00a0}}', "unrecognized character in action: U+00A0 '\u00a0'"],
    ['{{a\u0301}}', "bad character U+0301 '\u0301'"],
  ];
  for (const [input, msg] of cases) {
    const items = lex(input);
    const last = items[items.length - 1];
    assert.deepEqual([last.type, last.val], ['error', msg], input);
  }
});
