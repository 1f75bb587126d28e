import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatXsdDateTime } from '../../../src/api/formats/dotnet-dates.js';
import {
  formatDotNetJsonDate,
  formatGuidD,
  formatGuidN,
  getProperty,
  jsvDate,
  parseDotNetBool,
  parseDotNetDate,
  parseGuid,
} from '../../../src/api/formats/jsv.js';
import { ValidationError } from '../../../src/core/errors.js';

const N = '0f8fad5bd9cb469fa16570867728950e';

describe('GUIDs', () => {
  it('reads the N, D and B forms in any case to 32 lowercase hex digits', () => {
    for (const text of [
      N,
      N.toUpperCase(),
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      '0F8FAD5B-D9CB-469F-A165-70867728950E',
      '{0f8fad5b-d9cb-469f-a165-70867728950e}',
      '  {0F8FAD5B-d9cb-469f-a165-70867728950e} ',
    ]) {
      assert.equal(parseGuid(text), N, text);
    }
    assert.equal(parseGuid('00000000000000000000000000000000'), '00000000000000000000000000000000');
  });

  it('refuses anything else with a ValidationError naming the field', () => {
    for (const text of [
      '',
      'String',
      `${N}0`,
      N.slice(1),
      '0f8fad5b-d9cb-469f-a16570867728950e',
      '{0f8fad5bd9cb469fa16570867728950e}',
      '(0f8fad5b-d9cb-469f-a165-70867728950e)',
      '{0f8fad5b-d9cb-469f-a165-70867728950e',
      'g'.repeat(32),
    ]) {
      assert.throws(
        () => parseGuid(text, 'ContactId'),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.code === 'invalid_guid' &&
          error.field === 'ContactId' &&
          /ContactId must be a GUID/.test(error.message),
        text,
      );
    }
  });

  it('formats N and D', () => {
    assert.equal(formatGuidN('{0F8FAD5B-D9CB-469F-A165-70867728950E}'), N);
    assert.equal(formatGuidD(N), '0f8fad5b-d9cb-469f-a165-70867728950e');
    assert.throws(() => formatGuidD('nope'), ValidationError);
  });
});

describe('booleans', () => {
  it('reads true and false in any case, nothing else', () => {
    for (const text of ['true', 'True', 'TRUE', 'tRuE']) assert.equal(parseDotNetBool(text), true);
    for (const text of ['false', 'False', 'FALSE']) assert.equal(parseDotNetBool(text), false);
    for (const text of ['', '1', '0', 'yes', ' True', 'False\n', 'truee']) {
      assert.throws(
        () => parseDotNetBool(text, 'Status'),
        (error: unknown) =>
          error instanceof ValidationError && error.code === 'invalid_boolean' && error.field === 'Status',
        JSON.stringify(text),
      );
    }
  });
});

describe('dates', () => {
  it('writes the shortest XSD form for JSV', () => {
    assert.equal(jsvDate(new Date('2024-05-01T00:00:00Z')), '2024-05-01');
    assert.equal(jsvDate(new Date('2024-05-01T10:20:30Z')), '2024-05-01T10:20:30Z');
    assert.equal(jsvDate(new Date('2024-05-01T10:20:30.007Z')), '2024-05-01T10:20:30.0070000Z');
    assert.equal(jsvDate(new Date('2024-05-01T10:20:30Z'), 120), '2024-05-01T12:20:30+02:00');
    assert.equal(jsvDate(new Date('2024-05-01T10:20:30Z'), -330), '2024-05-01T04:50:30-05:30');
    assert.equal(jsvDate(new Date('2024-04-30T22:00:00Z'), 120), '2024-05-01');
    assert.equal(jsvDate(new Date('0001-01-01T00:00:00Z')), '0001-01-01');
    assert.throws(() => jsvDate(new Date(Number.NaN)), RangeError);
    assert.throws(() => jsvDate(new Date('-000001-01-01T00:00:00Z')), RangeError);
    assert.throws(() => jsvDate(new Date('+010000-01-01T00:00:00Z')), RangeError);
  });

  it('writes xs:dateTime (DataContract) and /Date(ms)/ (JSON)', () => {
    assert.equal(formatXsdDateTime(new Date('2024-05-01T00:00:00Z')), '2024-05-01T00:00:00Z');
    assert.equal(formatXsdDateTime(new Date('2024-05-01T10:20:30.500Z')), '2024-05-01T10:20:30.5Z');
    assert.equal(formatXsdDateTime(new Date('2024-05-01T10:20:30.123Z')), '2024-05-01T10:20:30.123Z');
    assert.equal(formatDotNetJsonDate(new Date(1_700_000_000_000)), '/Date(1700000000000)/');
  });

  it('reads /Date(ms)/ in every form ServiceStack writes', () => {
    const at = new Date(1_700_000_000_000);
    for (const text of [
      '/Date(1700000000000)/',
      '\\/Date(1700000000000)\\/',
      '/Date(1700000000000-0000)/',
      '\\/Date(1700000000000+0100)\\/',
      '/Date(1700000000000-0530)/',
    ]) {
      assert.deepEqual(parseDotNetDate(text), at, text);
    }
    assert.deepEqual(parseDotNetDate('/Date(-62135596800000)/'), new Date('0001-01-01T00:00:00Z'));
  });

  it('reads ISO 8601 and XSD forms, offsets applied, no offset as UTC', () => {
    const cases: [string, string][] = [
      ['2024-05-01', '2024-05-01T00:00:00.000Z'],
      ['2024-05-01T10:20', '2024-05-01T10:20:00.000Z'],
      ['2024-05-01T10:20:30', '2024-05-01T10:20:30.000Z'],
      ['2024-05-01 10:20:30', '2024-05-01T10:20:30.000Z'],
      ['2024-05-01T10:20:30Z', '2024-05-01T10:20:30.000Z'],
      ['2024-05-01T10:20:30.1250000Z', '2024-05-01T10:20:30.125Z'],
      ['2024-05-01T10:20:30.1239999Z', '2024-05-01T10:20:30.123Z'],
      ['2024-05-01T10:20:30.5+02:00', '2024-05-01T08:20:30.500Z'],
      ['2024-05-01T10:20:30-0530', '2024-05-01T15:50:30.000Z'],
      ['2024-05-01T10:20:30+01', '2024-05-01T09:20:30.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['0050-06-15', '0050-06-15T00:00:00.000Z'],
    ];
    for (const [text, iso] of cases) assert.equal(parseDotNetDate(text).toISOString(), iso, text);
  });

  it('reads back everything the writers write', () => {
    for (const iso of ['2024-05-01T00:00:00.000Z', '2024-05-01T10:20:30.000Z', '1999-12-31T23:59:59.999Z']) {
      const date = new Date(iso);
      assert.deepEqual(parseDotNetDate(jsvDate(date)), date);
      assert.deepEqual(parseDotNetDate(jsvDate(date, 90)), date);
      assert.deepEqual(parseDotNetDate(formatXsdDateTime(date)), date);
      assert.deepEqual(parseDotNetDate(formatDotNetJsonDate(date)), date);
    }
  });

  it('refuses impossible or malformed dates with a ValidationError', () => {
    for (const text of [
      '',
      'String',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '0000-01-01',
      '2024-05-01T24:00:00Z',
      '2024-05-01T10:60:00Z',
      '2024-05-01T10:20:61Z',
      '2024-05-01T10:20:30+15:00',
      '2024-05-01T10:20:30+01:60',
      '2024-5-1',
      '/Date(abc)/',
      '/Date(99999999999999999)/',
      '/Date(1700000000000+9999)/',
      'Date(1700000000000)',
    ]) {
      assert.throws(
        () => parseDotNetDate(text, 'SendAt'),
        (error: unknown) =>
          error instanceof ValidationError && error.code === 'invalid_date' && error.field === 'SendAt',
        text,
      );
    }
  });
});

describe('getProperty', () => {
  it('prefers an exact match, else matches ignoring case', () => {
    const object = { PhoneNumber: 'a', phonenumber: 'b', Name: 'n' };
    assert.equal(getProperty(object, 'phonenumber'), 'b');
    assert.equal(getProperty(object, 'PhoneNumber'), 'a');
    assert.equal(getProperty(object, 'PHONENUMBER'), 'a');
    assert.equal(getProperty(object, 'name'), 'n');
    assert.equal(getProperty(object, 'nam'), undefined);
  });

  it('sees own properties only', () => {
    assert.equal(getProperty({}, 'constructor'), undefined);
    assert.equal(getProperty({}, 'toString'), undefined);
    assert.equal(getProperty({}, '__proto__'), undefined);
    assert.equal(getProperty(Object.create({ Inherited: 1 }), 'inherited'), undefined);
  });
});
