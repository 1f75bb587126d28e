import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormBodyError, parseForm } from '../../../src/api/formats/form.js';
import { ValidationError } from '../../../src/core/errors.js';

function refusal(
  body: string | Uint8Array,
  pattern: RegExp,
  limits?: Parameters<typeof parseForm>[1],
): FormBodyError {
  let caught: unknown;
  try {
    parseForm(body, limits);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FormBodyError, `expected a FormBodyError, got ${caught}`);
  assert.ok(caught instanceof ValidationError);
  assert.equal(caught.status, 400);
  assert.equal(caught.code, 'invalid_form');
  assert.match(caught.message, pattern);
  return caught;
}

describe('parseForm', () => {
  it("reads seed 003's Accolades send form", () => {
    const body =
      'password=s3cret&phoneNumber=%2B40712345678&message=Hello+world%21+%C8%98i+%F0%9F%98%80' +
      '&sendResultTo=https%3A%2F%2Fapp.example%2Fdlr%3Fa%3D1%26b%3D2&messageId=42';
    assert.deepEqual(parseForm(body), {
      password: 's3cret',
      phoneNumber: '+40712345678',
      message: 'Hello world! Și 😀',
      sendResultTo: 'https://app.example/dlr?a=1&b=2',
      messageId: '42',
    });
  });

  it('collects repeated names into arrays in order', () => {
    assert.deepEqual(parseForm('to=1&to=2&x=a&to=3'), { to: ['1', '2', '3'], x: 'a' });
  });

  it('follows the WHATWG rules for edge cases', () => {
    assert.deepEqual(parseForm(''), {});
    assert.deepEqual(parseForm('&&a=1&&'), { a: '1' });
    assert.deepEqual(parseForm('flag&empty=&=nameless&a=b=c'), {
      flag: '',
      empty: '',
      '': 'nameless',
      a: 'b=c',
    });
    assert.deepEqual(parseForm('a=%zz%4&b=100%&c=%%41'), { a: '%zz%4', b: '100%', c: '%A' });
    assert.deepEqual(parseForm('a+b=c+d%2B'), { 'a b': 'c d+' });
    assert.deepEqual(parseForm('%61=%62'), { a: 'b' });
  });

  it('agrees with URLSearchParams on valid UTF-8', () => {
    const body = 'a=%E2%82%AC+%C3%A9&b=%F0%9F%98%80&c=plain&%C3%A9=x&d=%7E%21%40';
    const expected: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(body)) expected[name] = value;
    assert.deepEqual(parseForm(body), expected);
  });

  it('reads bytes as UTF-8, raw non-ASCII included', () => {
    assert.deepEqual(parseForm(Buffer.from('message=héllo+😀')), { message: 'héllo 😀' });
  });

  it('refuses percent-escapes that are not UTF-8 (URLSearchParams would insert U+FFFD)', () => {
    assert.equal(new URLSearchParams('a=%C3%28').get('a'), '\ufffd(');
    const error = refusal('x=1&message=ok%C3%28', /field "message" are not valid UTF-8 \(at offset 14\)/);
    assert.equal(error.position, 14);
    refusal('a=%FF', /not valid UTF-8/);
    refusal('a=%ED%A0%80', /not valid UTF-8/, undefined); // an encoded lone surrogate
    refusal('a=%E2%82', /not valid UTF-8/); // truncated sequence
    refusal('a=%E2x%82%AC', /not valid UTF-8/); // a sequence broken by a literal
    refusal('%C3=1', /a field name are not valid UTF-8/);
  });

  it('refuses bytes that are not UTF-8', () => {
    refusal(new Uint8Array([0x61, 0x3d, 0xe9]), /form body is not valid UTF-8/);
  });

  it('enforces its limits', () => {
    assert.equal(Object.keys(parseForm('a=1&b=2&c=3', { maxFields: 3 })).length, 3);
    refusal('a=1&b=2&c=3&d=4', /more than 3 fields/, { maxFields: 3 });
    refusal(`a=${'%C3%A9'.repeat(3)}`, /field "a" is longer than 5 bytes/, { maxValueBytes: 5 });
    assert.deepEqual(parseForm('a=%C3%A9%C3%A9', { maxValueBytes: 4 }), { a: 'éé' });
    refusal('abcdef=1', /name is longer than 5 bytes/, { maxNameBytes: 5 });
    refusal(`${'x=1&'.repeat(1001)}`, /more than 1000 fields/);
    refusal(`x=${'y'.repeat(64 * 1024 + 1)}`, /longer than 65536 bytes/);
  });

  it('keeps names such as __proto__ as own fields', () => {
    const fields = parseForm('__proto__=1&constructor=2&__proto__=3');
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, ['1', '3']);
    assert.equal(fields.constructor, '2');
  });
});
