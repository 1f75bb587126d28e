import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAbsolute, formatRelative, parseSmppTime } from '../../src/smpp/smpp-time.js';

const instant = new Date(Date.UTC(2023, 10, 22, 15, 30, 45, 678));
/** `instant` as SMPP keeps it: tenths of a second. */
const instantTenths = new Date(Date.UTC(2023, 10, 22, 15, 30, 45, 600));
const now = new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 0));

describe('absolute SMPP times', () => {
  it('formats UTC with a zero offset', () => {
    assert.equal(formatAbsolute(instant), '231122153045600+');
  });

  it('formats local time ahead of and behind UTC in quarter-hours', () => {
    assert.equal(formatAbsolute(instant, 60), '231122163045604+');
    assert.equal(formatAbsolute(instant, 330), '231122210045622+');
    assert.equal(formatAbsolute(instant, -330), '231122100045622-');
    assert.equal(formatAbsolute(instant, -720), '231122033045648-');
  });

  it('round-trips through parseSmppTime at every offset', () => {
    for (let quarters = -48; quarters <= 48; quarters++) {
      const text = formatAbsolute(instant, quarters * 15);
      assert.deepEqual(parseSmppTime(text, now), instantTenths, text);
    }
  });

  it('parses across day and year boundaries', () => {
    // 00:15 local at UTC+01:00 on New Year's Day is 23:15 UTC the day before.
    assert.deepEqual(parseSmppTime('240101001500004+', now), new Date(Date.UTC(2023, 11, 31, 23, 15)));
    assert.deepEqual(parseSmppTime('231231230000008-', now), new Date(Date.UTC(2024, 0, 1, 1, 0)));
  });

  it('resolves two-digit years to the nearest century', () => {
    const late = new Date(Date.UTC(2098, 5, 1));
    assert.equal(parseSmppTime('010101000000000+', late)?.getUTCFullYear(), 2101);
    assert.equal(parseSmppTime('970101000000000+', late)?.getUTCFullYear(), 2097);
    assert.equal(parseSmppTime('990101000000000+', now)?.getUTCFullYear(), 1999);
  });

  it('rejects invalid offsets and dates', () => {
    assert.throws(() => formatAbsolute(instant, 10), RangeError);
    assert.throws(() => formatAbsolute(instant, 735), RangeError);
    assert.throws(() => formatAbsolute(new Date(Number.NaN)), RangeError);
    for (const text of [
      '231322153045600+',
      '230230120000000+',
      '231122243045600+',
      '231122156045600+',
      '231122153045649+',
      '231122153045600',
      '23112215304560+',
      '231122153045600X',
      'abcdefghijklmno+',
    ]) {
      assert.throws(() => parseSmppTime(text, now), RangeError, text);
    }
  });
});

describe('relative SMPP times', () => {
  it('formats durations', () => {
    assert.equal(formatRelative(0), '000000000000000R');
    assert.equal(formatRelative(3600), '000000010000000R');
    assert.equal(formatRelative(86_400), '000001000000000R');
    assert.equal(formatRelative(90_061), '000001010101000R');
    assert.equal(formatRelative(99 * 86_400 + 59), '000099000059000R');
    assert.equal(formatRelative(400 * 86_400), '010105000000000R');
    assert.throws(() => formatRelative(-1), RangeError);
    assert.throws(() => formatRelative(100 * 366 * 86_400), RangeError);
  });

  it('round-trips durations up to 99 days exactly', () => {
    for (const seconds of [0, 1, 59, 61, 3599, 86_399, 86_400, 7 * 86_400 + 12_345, 99 * 86_400 + 86_399]) {
      const parsed = parseSmppTime(formatRelative(seconds), now);
      assert.equal(parsed?.getTime(), now.getTime() + seconds * 1000, String(seconds));
    }
  });

  it('adds calendar years and months', () => {
    assert.deepEqual(parseSmppTime('010200000000000R', now), new Date(Date.UTC(2025, 3, 29, 12)));
  });

  it('treats the empty string as not set', () => {
    assert.equal(parseSmppTime(''), undefined);
  });
});
