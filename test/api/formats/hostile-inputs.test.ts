import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormBodyError, parseForm } from '../../../src/api/formats/form.js';
import { JsvSyntaxError, parseJsv } from '../../../src/api/formats/jsv.js';
import { parseMultipart } from '../../../src/api/formats/multipart.js';
import { parseXml, XmlDtdError, XmlSyntaxError } from '../../../src/api/formats/xml.js';
import { FUZZ_TEST } from './fuzz-support.js';

/**
 * Inputs built to make a parser do as much work as its size limit allows (about 1 MiB each):
 * every one must finish with the expected answer well inside the test timeout: linear work, no
 * recursion, no expansion. (No wall-clock assertion: the timeout is the bound.)
 */
const SIZE = 1024 * 1024 - 16;

describe('hostile inputs at the size limit', () => {
  it('JSV', FUZZ_TEST, () => {
    const quotes = parseJsv(`{A:"${'""'.repeat(SIZE / 2 - 4)}"}`) as Record<string, string>;
    assert.equal(quotes.A!.length, SIZE / 2 - 4);
    assert.equal((parseJsv(`[${','.repeat(SIZE)}]`) as string[]).length, SIZE + 1);
    assert.equal(Object.keys(parseJsv(`{${'a:b,'.repeat(SIZE / 4 - 1)}z:b}`)).length, 2);
    assert.throws(() => parseJsv('['.repeat(SIZE)), /nested deeper/);
    assert.throws(() => parseJsv(`{A:${'x'.repeat(SIZE)}`), JsvSyntaxError);
    assert.throws(() => parseJsv(`{${' '.repeat(SIZE)}`, { lenient: true }), JsvSyntaxError);
    assert.throws(() => parseJsv(`{A: {${'x'.repeat(SIZE)}`), /Whitespace is part of JSV values/);
  });

  it('XML', FUZZ_TEST, () => {
    const attributes = Array.from({ length: 40_000 }, (_, i) => `a${i}="x"`).join(' ');
    assert.equal(parseXml(`<a ${attributes}/>`).attrs.length, 40_000);
    const declarations = Array.from({ length: 40_000 }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ');
    assert.equal(parseXml(`<a ${declarations}><p39999:b/></a>`).children[0]!.ns, 'urn:39999');
    assert.equal(parseXml(`<a>${'<b/>'.repeat(SIZE / 4 - 4)}</a>`).children.length, SIZE / 4 - 4);
    assert.equal(parseXml(`<a>${'&#x41;'.repeat(SIZE / 6 - 2)}</a>`).text.length, SIZE / 6 - 2);
    assert.throws(() => parseXml(`<!DOCTYPE a [${'<!ENTITY x "y">'.repeat(60_000)}]><a/>`), XmlDtdError);
    assert.throws(() => parseXml(`<a>${'<b>'.repeat(SIZE / 3 - 2)}`), /deeper than the limit/);
    assert.throws(() => parseXml(`<a><!--${'-'.repeat(SIZE / 2)}`), XmlSyntaxError);
    assert.throws(() => parseXml(`<a b="${'&amp;'.repeat(SIZE / 5)}`), XmlSyntaxError);
  });

  it('forms', FUZZ_TEST, () => {
    assert.throws(() => parseForm('%'.repeat(SIZE)), /name is longer than 1024 bytes/);
    assert.equal(
      parseForm(`a=${'%41'.repeat(SIZE / 3 - 1)}`, { maxValueBytes: SIZE }).a!.length,
      SIZE / 3 - 1,
    );
    assert.deepEqual(parseForm('&'.repeat(SIZE)), {});
    assert.throws(() => parseForm('a=1&'.repeat(SIZE / 4)), /more than 1000 fields/);
    assert.equal((parseForm('a=1&'.repeat(SIZE / 4), { maxFields: SIZE }).a as string[]).length, SIZE / 4);
  });

  it('multipart', FUZZ_TEST, () => {
    const type = 'multipart/form-data; boundary=XXXXXXXX';
    assert.throws(
      () => parseMultipart(Buffer.from('\r\n--X'.repeat(SIZE / 5)), 'multipart/form-data; boundary=X'),
      FormBodyError,
    );
    const nearMisses = '\r\n--XXXXXXX'.repeat(SIZE / 12);
    const body = `--XXXXXXXX\r\nContent-Disposition: form-data; name="a"\r\n\r\n${nearMisses}\r\n--XXXXXXXX--`;
    assert.equal(parseMultipart(Buffer.from(body), type, { maxValueBytes: SIZE }).a, nearMisses);
    assert.throws(
      () =>
        parseMultipart(
          Buffer.from(`--X\r\n${'a: b\r\n'.repeat(SIZE / 6)}\r\n`),
          'multipart/form-data; boundary=X',
        ),
      /Malformed part header/,
    );
  });
});
