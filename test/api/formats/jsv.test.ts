import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WireFormatError } from '../../../src/api/formats/format-errors.js';
import { JsvSyntaxError, type JsvValue, parseJsv, stringifyJsv } from '../../../src/api/formats/jsv.js';
import { ValidationError } from '../../../src/core/errors.js';
import { sampleBodies, seed } from './seeds.js';

function syntaxError(
  text: string,
  pattern: RegExp,
  options?: Parameters<typeof parseJsv>[1],
): JsvSyntaxError {
  let caught: unknown;
  try {
    parseJsv(text, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof JsvSyntaxError,
    `expected a JsvSyntaxError for ${JSON.stringify(text)}, got ${caught}`,
  );
  assert.match(caught.message, pattern);
  return caught;
}

describe('parseJsv: grammar', () => {
  const cases: [string, JsvValue][] = [
    ['{A:1,B:two}', { A: '1', B: 'two' }],
    ['[a,b,c]', ['a', 'b', 'c']],
    [
      '{Items:[{Id:1,Name:A},{Id:2,Name:B}]}',
      {
        Items: [
          { Id: '1', Name: 'A' },
          { Id: '2', Name: 'B' },
        ],
      },
    ],
    ['{}', {}],
    ['[]', []],
    ['""', ''],
    ['{A:[],B:{},C:""}', { A: [], B: {}, C: '' }],
    ['[[],[[]],{}]', [[], [[]], {}]],
    ['{A:}', { A: '' }],
    ['[a,,b]', ['a', '', 'b']],
    ['[,]', ['', '']],
    ['{A:"x,y"}', { A: 'x,y' }],
    ['{A:"2"" x 1"""}', { A: '2" x 1"' }],
    ['{A:""""}', { A: '"' }],
    ['{A:"{B:1}"}', { A: '{B:1}' }],
    ['{A:"line1\r\nline2"}', { A: 'line1\r\nline2' }],
    ['{"odd:key":1,"":empty}', { 'odd:key': '1', '': 'empty' }],
    ['{A:12:30}', { A: '12:30' }],
    ['{A:x"y}', { A: 'x"y' }],
    ['{A:1,A:2}', { A: '2' }],
    ['{Text:héllo wörld 😀 中文}', { Text: 'héllo wörld 😀 中文' }],
    ['"quoted ""top"""', 'quoted "top"'],
    ['plain text, with: anything]', 'plain text, with: anything]'],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseJsv(text), expected);
    });
  }

  it('keeps whitespace in values but trims keys (strict mode, the wire default)', () => {
    assert.deepEqual(parseJsv('{ A : 1 ,B:\tx\t}'), { A: ' 1 ', B: '\tx\t' });
    assert.deepEqual(parseJsv('[ a , b ]'), [' a ', ' b ']);
    assert.deepEqual(parseJsv('[ ]'), [' ']);
    assert.deepEqual(parseJsv('{ }'), {});
    assert.deepEqual(parseJsv('  top level  '), '  top level  ');
  });

  it('ignores whitespace around a top-level structure, such as a trailing newline', () => {
    assert.deepEqual(parseJsv('\n {A:1}\r\n'), { A: '1' });
    assert.deepEqual(parseJsv(' "x" '), 'x');
  });

  it('lenient mode trims unquoted values and whitespace around structure, not inside quotes', () => {
    const text = '{\n\tA: 1 ,\n\tB: [ x , " y " ],\n\tC:\n\t{\n\t\tD: { }\n\t}, E: [ ]\n}';
    assert.deepEqual(parseJsv(text, { lenient: true }), { A: '1', B: ['x', ' y '], C: { D: {} }, E: [] });
    assert.equal(parseJsv('  top  ', { lenient: true }), 'top');
  });

  it('makes keys named like Object.prototype members own properties, never the prototype', () => {
    const value = parseJsv('{__proto__:{polluted:yes},constructor:x}') as Record<string, JsvValue>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__', 'constructor']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: 'yes' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseJsv: malformed input', () => {
  const bad: [string, RegExp][] = [
    ['{A:1', /missing '}' before the end/],
    ['[a,b', /missing '\]' before the end/],
    ['{A:"x}', /unterminated quoted string/],
    ['{A', /expected ':' after property name but found the end of the text/],
    ['{A,B:1}', /expected ':' after property name but found ','/],
    ['{A:1,}', /expected ':' after property name but found '}'/],
    ['{A:"x"y}', /expected ',' or '}' but found 'y'/],
    ['["x" ]', /expected ',' or '\]' but found ' '/],
    ['{A:1}}', /unexpected '}' after the end of the value/],
    ['{A:1} x', /unexpected 'x' after the end of the value/],
    ['{{A:1}:2}', /complex dictionary keys/],
    ['{"a"b:1}', /expected ':' after property name but found 'b'/],
    ['"x', /unterminated quoted string/],
    ['{', /expected ':' after property name but found the end/],
    ['[', /missing '\]'/],
  ];
  for (const [text, pattern] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const error = syntaxError(text, pattern);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_jsv');
      assert.equal(error.format, 'jsv');
      assert.ok(error instanceof WireFormatError && error instanceof ValidationError);
      assert.equal(typeof error.position, 'number');
    });
  }

  it('names the line and column, and explains significant whitespace for indented input', () => {
    const error = syntaxError('{\n\tA: \n\t{\n\t\tB: 1,\n\t\tC: 2\n\t},\n\tD: 3\n}', /at line 6, column 3/);
    assert.match(error.message, /Whitespace is part of JSV values/);
  });

  it('limits nesting depth (default 32, configurable) without recursion', () => {
    assert.equal((parseJsv(`${'['.repeat(32)}${']'.repeat(32)}`) as JsvValue[]).length, 1);
    const deep = syntaxError(
      `${'['.repeat(33)}${']'.repeat(33)}`,
      /nested deeper than the limit of 32 levels/,
    );
    assert.equal(deep.code, 'jsv_too_deep');
    syntaxError('{A:{B:{C:1}}}', /limit of 2 levels/, { maxDepth: 2 });
    // Far deeper than any call stack could go: the explicit stack reaches the limit, or the end.
    syntaxError('{A:'.repeat(200_000), /limit of 100000 levels/, { maxDepth: 100_000 });
    syntaxError('[{A:'.repeat(200_000), /missing '}' before the end/, { maxDepth: 1_000_000 });
  });

  it('limits size', () => {
    const error = syntaxError(`[${'a,'.repeat(20)}a]`, /longer than the limit of 16 characters/, {
      maxLength: 16,
    });
    assert.equal(error.code, 'jsv_too_large');
    assert.throws(() => parseJsv('x'.repeat(1024 * 1024 + 1)), JsvSyntaxError);
  });

  it('refuses a value that is not text with its own error', () => {
    assert.throws(() => parseJsv(42 as unknown as string), JsvSyntaxError);
  });
});

describe('stringifyJsv', () => {
  it('writes objects, lists and scalars as ServiceStack does', () => {
    assert.equal(
      stringifyJsv({
        Id: 1,
        Name: 'A b',
        Ok: true,
        No: false,
        Items: [1, 'x'],
        Empty: '',
        Nested: { L: [] },
        O: {},
      }),
      '{Id:1,Name:A b,Ok:True,No:False,Items:[1,x],Empty:"",Nested:{L:[]},O:{}}',
    );
  });

  it('quotes only strings holding " : , { } [ ] CR or LF, doubling inner quotes', () => {
    for (const special of ['"', ':', ',', '{', '}', '[', ']', '\r', '\n']) {
      assert.equal(stringifyJsv(`a${special}b`), `"a${special === '"' ? '""' : special}b"`);
    }
    assert.equal(stringifyJsv('2" x 1"'), '"2"" x 1"""');
    assert.equal(stringifyJsv(' spaces\tand tabs '), ' spaces\tand tabs ');
    assert.equal(stringifyJsv('héllo 😀'), 'héllo 😀');
  });

  it('omits null and undefined properties, writes null list items as nothing', () => {
    assert.equal(stringifyJsv({ A: null, B: undefined, C: 'c' }), '{C:c}');
    assert.equal(stringifyJsv(['a', null, 'b']), '[a,,b]');
    assert.equal(stringifyJsv(null), '');
  });

  it('quotes keys that need it, including keys with edge whitespace (the reader trims bare keys)', () => {
    assert.equal(stringifyJsv({ 'a:b': 1, ' pad ': 2, '': 3 }), '{"a:b":1," pad ":2,"":3}');
    assert.deepEqual(parseJsv(stringifyJsv({ ' pad ': 'x' })), { ' pad ': 'x' });
  });

  it('writes numbers in invariant form, GUIDs as given, dates in the shortest XSD form', () => {
    assert.equal(
      stringifyJsv([1.5, -0.25, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, 10n]),
      '[1.5,-0.25,1E+21,1E-07,NaN,Infinity,10]',
    );
    assert.equal(
      stringifyJsv({ Id: '0f8fad5bd9cb469fa16570867728950e' }),
      '{Id:0f8fad5bd9cb469fa16570867728950e}',
    );
    assert.equal(
      stringifyJsv({
        A: new Date('2024-05-01T00:00:00Z'),
        B: new Date('2024-05-01T10:20:30Z'),
        C: new Date('2024-05-01T10:20:30.125Z'),
      }),
      // Dates are written bare, as JsvTypeSerializer.WriteDateTime does: ':' ends no unquoted value.
      '{A:2024-05-01,B:2024-05-01T10:20:30Z,C:2024-05-01T10:20:30.1250000Z}',
    );
  });

  it('refuses what JSV cannot hold and nesting past its limit', () => {
    assert.throws(() => stringifyJsv({ f: () => 1 }), TypeError);
    assert.throws(() => stringifyJsv(Symbol('x')), TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => stringifyJsv(cycle), RangeError);
    assert.throws(() => stringifyJsv(new Date(Number.NaN)), RangeError);
  });

  it('round-trips through parseJsv (scalars come back as strings)', () => {
    const value = {
      Messages: [{ To: '+447911123456', Body: 'Hi, "you": {x} [y]\r\nbye', Empty: '', Flags: ['a', 'b'] }],
      Meta: { 'key:with,specials': 'v' },
      Deep: { A: { B: { C: [[], {}, ['x']] } } },
    };
    assert.deepEqual(parseJsv(stringifyJsv(value)), value);
  });
});

describe('JSV samples of seeds 001 and 002', () => {
  for (const prefix of ['001', '002']) {
    const [request, response] = sampleBodies(seed(prefix));
    const contact = { Name: 'String', PhoneNumber: 'String', ContactId: '00000000000000000000000000000000' };
    const expectedRequest = {
      SMSModel: {
        From: contact,
        To: [contact],
        MessageBody: 'String',
        ReplyIsAllowed: 'False',
        ReplyIsRequired: 'False',
        Notes: 'String',
        LinkedObjectId: '00000000000000000000000000000000',
        SuiteId: '00000000000000000000000000000000',
        LicenseeId: '00000000000000000000000000000000',
      },
      CreateCommunicationReferencesImmediately: 'False',
    };
    const expectedResponse = {
      CommId: '00000000000000000000000000000000',
      Reference: 'String',
      Status: 'False',
      Message: 'String',
    };

    it(`seed ${prefix}: the indented samples read as intended in lenient mode`, () => {
      assert.deepEqual(parseJsv(request!, { lenient: true }), expectedRequest);
      assert.deepEqual(parseJsv(response!, { lenient: true }), expectedResponse);
    });

    it(`seed ${prefix}: strict mode keeps the display whitespace, as ServiceStack would`, () => {
      // The nested request cannot be read strictly: " \n\t{…" is a value, not an object.
      syntaxError(request!, /after the end of the value/);
      const flat = parseJsv(response!) as Record<string, string>;
      assert.deepEqual(Object.keys(flat), ['CommId', 'Reference', 'Status', 'Message']);
      assert.equal(flat.CommId, ' 00000000000000000000000000000000');
      assert.equal(flat.Message, ' String\n');
    });

    it(`seed ${prefix}: the wire form of the samples round-trips`, () => {
      const wire = stringifyJsv(expectedRequest);
      assert.equal(
        wire,
        '{SMSModel:{From:{Name:String,PhoneNumber:String,ContactId:00000000000000000000000000000000},' +
          'To:[{Name:String,PhoneNumber:String,ContactId:00000000000000000000000000000000}],MessageBody:String,' +
          'ReplyIsAllowed:False,ReplyIsRequired:False,Notes:String,LinkedObjectId:00000000000000000000000000000000,' +
          'SuiteId:00000000000000000000000000000000,LicenseeId:00000000000000000000000000000000},' +
          'CreateCommunicationReferencesImmediately:False}',
      );
      assert.deepEqual(parseJsv(wire), expectedRequest);
      assert.deepEqual(parseJsv(stringifyJsv(expectedResponse)), expectedResponse);
    });
  }
});
