import { ValidationError } from '../../core/errors.js';

const MS_PER_MINUTE = 60_000;
/** The largest |time value| a JavaScript Date holds (±100,000,000 days from 1970). */
const MAX_TIME = 8.64e15;

const WCF_DATE = /^\\?\/Date\((-?\d{1,16})(?:([+-])(\d{2})(\d{2}))?\)\\?\/$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * A date the way ServiceStack's JSV (and its query-string values) write a `DateTime`, in the
 * shortest XSD form: `yyyy-MM-dd` at midnight, else `yyyy-MM-ddTHH:mm:ssZ`, with `.fffffff` (seven
 * digits) when there are fractional seconds. With `offsetMinutes` the clock time at that offset is
 * written with `±hh:mm` instead of `Z` (a non-UTC `DateTime`).
 *
 * @throws RangeError for an invalid Date or a year outside 1–9999 (.NET's `DateTime` range).
 */
export function jsvDate(date: Date, offsetMinutes?: number): string {
  const clock = clockFields(date, offsetMinutes ?? 0);
  if (clock.hours === 0 && clock.minutes === 0 && clock.seconds === 0 && clock.ms === 0) return clock.day;
  const fraction = clock.ms === 0 ? '' : `.${pad(clock.ms, 3)}0000`;
  return `${clock.day}T${clock.time}${fraction}${offsetSuffix(offsetMinutes)}`;
}

/**
 * A UTC date the way .NET's DataContractSerializer writes `xs:dateTime`: `yyyy-MM-ddTHH:mm:ssZ`
 * with fractional seconds only when present, trailing zeros dropped (`.5Z`, `.123Z`).
 *
 * @throws RangeError for an invalid Date or a year outside 1–9999.
 */
export function formatXsdDateTime(date: Date): string {
  const clock = clockFields(date, 0);
  const fraction = clock.ms === 0 ? '' : `.${pad(clock.ms, 3).replace(/0+$/, '')}`;
  return `${clock.day}T${clock.time}${fraction}Z`;
}

/**
 * A UTC date the way ServiceStack's JSON writes it by default (`DateHandler=TimestampOffset`):
 * `/Date(1700000000000)/`. JSON serialisers may escape the slashes (`\/Date(…)\/`); it is the same
 * string either way.
 */
export function formatDotNetJsonDate(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid Date');
  return `/Date(${time})/`;
}

/**
 * Reads a date in any form a ServiceStack client sends: `/Date(ms)/`, `\/Date(ms)\/`, with a
 * `±hhmm` offset (`/Date(ms-0000)/`; the milliseconds are UTC already, so the offset only says
 * what the sender's clock showed), and ISO 8601 / XSD (`2024-05-01`, `2024-05-01T10:20:30Z`,
 * `…T10:20:30.1234567+02:00`, a space instead of `T`). A time without an offset is taken as UTC: the
 * gateway has no time zone of the caller to assume. Fractions past milliseconds are truncated.
 *
 * @throws ValidationError (code `invalid_date`) naming `field` when given.
 */
export function parseDotNetDate(text: string, field?: string): Date {
  const wcf = WCF_DATE.exec(text);
  if (wcf) {
    const time = Number(wcf[1]);
    if (Math.abs(time) <= MAX_TIME && (wcf[2] === undefined || validOffset(wcf[3], wcf[4])))
      return new Date(time);
    throw invalidDate(text, field);
  }
  const iso = ISO_DATE.exec(text);
  if (!iso) throw invalidDate(text, field);
  const [, y, mo, d, h, mi, s, fraction, , sign, oh, om] = iso;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hours = Number(h ?? 0);
  const minutes = Number(mi ?? 0);
  const seconds = Number(s ?? 0);
  if (
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59 ||
    (sign !== undefined && !validOffset(oh, om ?? '00'))
  ) {
    throw invalidDate(text, field);
  }
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  if (sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om ?? 0)) * (sign === '-' ? -1 : 1);
    date.setTime(date.getTime() - offset * MS_PER_MINUTE);
  }
  return date;
}

function validOffset(hours: string | undefined, minutes: string | undefined): boolean {
  return Number(hours) <= 14 && Number(minutes) <= 59;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function invalidDate(text: string, field: string | undefined): ValidationError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return new ValidationError(
    `${field ?? 'value'} must be a date (ISO 8601 or /Date(milliseconds)/), not "${shown}"`,
    field,
    'invalid_date',
  );
}

interface Clock {
  readonly day: string;
  readonly time: string;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly ms: number;
}

function clockFields(date: Date, offsetMinutes: number): Clock {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Invalid Date');
  const at = new Date(time + offsetMinutes * MS_PER_MINUTE);
  const year = at.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`Year ${year} is outside .NET's DateTime range (1–9999)`);
  const hours = at.getUTCHours();
  const minutes = at.getUTCMinutes();
  const seconds = at.getUTCSeconds();
  return {
    day: `${pad(year, 4)}-${pad(at.getUTCMonth() + 1, 2)}-${pad(at.getUTCDate(), 2)}`,
    time: `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`,
    hours,
    minutes,
    seconds,
    ms: at.getUTCMilliseconds(),
  };
}

function offsetSuffix(offsetMinutes: number | undefined): string {
  if (offsetMinutes === undefined) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
