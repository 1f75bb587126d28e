/**
 * SMPP time strings (spec §7.1.1), as in schedule_delivery_time, validity_period and final_date:
 * 16 characters `YYMMDDhhmmsstnnp`. Absolute times are local time plus the offset from UTC in
 * quarter-hours (`nn`, 00–48) and its direction (`+` ahead of UTC, `-` behind); relative times end in
 * `R` and count years, months, days, hours, minutes and seconds from the SMSC's now.
 */

const PATTERN = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([-+R])$/;
const MAX_OFFSET_QUARTERS = 48;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * Formats `date` as an absolute SMPP time, written in the zone `utcOffsetMinutes` from UTC (0 = UTC,
 * `…000+`; 330 = UTC+05:30). Tenths of a second are kept; finer precision is truncated.
 * @throws RangeError for an invalid date or an offset that is not whole quarter-hours within ±12 hours.
 */
export function formatAbsolute(date: Date, utcOffsetMinutes = 0): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Cannot format an invalid Date as an SMPP time');
  const quarters = utcOffsetMinutes / 15;
  if (!Number.isInteger(quarters) || Math.abs(quarters) > MAX_OFFSET_QUARTERS) {
    throw new RangeError(`utcOffsetMinutes must be a multiple of 15 within ±720, got ${utcOffsetMinutes}`);
  }
  const local = new Date(time + utcOffsetMinutes * 60_000);
  return (
    pad2(local.getUTCFullYear() % 100) +
    pad2(local.getUTCMonth() + 1) +
    pad2(local.getUTCDate()) +
    pad2(local.getUTCHours()) +
    pad2(local.getUTCMinutes()) +
    pad2(local.getUTCSeconds()) +
    Math.floor(local.getUTCMilliseconds() / 100) +
    pad2(Math.abs(quarters)) +
    (quarters < 0 ? '-' : '+')
  );
}

/**
 * Formats a duration as a relative SMPP time. Up to 99 days it is exact (days, hours, minutes,
 * seconds); longer durations are counted in years of 365 days and months of 30, as the SMSC will
 * add calendar years and months, the result may differ from `seconds` by a few days.
 * @throws RangeError for a negative or non-finite duration, or one of 100 years or more.
 */
export function formatRelative(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`A relative SMPP time needs a non-negative duration, got ${seconds}`);
  }
  let rest = Math.floor(seconds);
  const ss = rest % 60;
  rest = Math.floor(rest / 60);
  const mm = rest % 60;
  rest = Math.floor(rest / 60);
  const hh = rest % 24;
  let days = Math.floor(rest / 24);
  let years = 0;
  let months = 0;
  if (days > 99) {
    years = Math.floor(days / 365);
    months = Math.floor((days % 365) / 30);
    days = (days % 365) % 30;
  }
  if (years > 99) throw new RangeError(`${seconds} seconds is too long for a relative SMPP time`);
  return `${pad2(years)}${pad2(months)}${pad2(days)}${pad2(hh)}${pad2(mm)}${pad2(ss)}000R`;
}

/** The four-digit year nearest to `now` that ends in `yy`. */
function nearestYear(yy: number, now: Date): number {
  const nowYear = now.getUTCFullYear();
  const year = nowYear - (nowYear % 100) + yy;
  if (year - nowYear > 50) return year - 100;
  if (nowYear - year > 50) return year + 100;
  return year;
}

/**
 * Parses an SMPP time. Returns undefined for the empty string (the field's "not set"); an absolute time
 * becomes its instant, a relative one `now` plus its duration (calendar years and months, in UTC).
 * Two-digit years resolve to the year nearest `now`.
 * @throws RangeError when `text` is neither empty nor a valid SMPP time.
 */
export function parseSmppTime(text: string, now: Date = new Date()): Date | undefined {
  if (text === '') return undefined;
  const match = PATTERN.exec(text);
  if (match === null) throw new RangeError(`${JSON.stringify(text)} is not an SMPP time (YYMMDDhhmmsstnnp)`);
  const [yy, mo, dd, hh, mi, ss, tenths, nn] = match.slice(1, 9).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (match[9] === 'R') {
    const result = new Date(now.getTime());
    result.setUTCFullYear(result.getUTCFullYear() + yy, result.getUTCMonth() + mo);
    return new Date(result.getTime() + (((dd * 24 + hh) * 60 + mi) * 60 + ss) * 1000);
  }
  const year = nearestYear(yy, now);
  const local = Date.UTC(year, mo - 1, dd, hh, mi, ss, tenths * 100);
  const check = new Date(local);
  if (
    mo < 1 ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== dd ||
    hh > 23 ||
    mi > 59 ||
    ss > 59 ||
    nn > MAX_OFFSET_QUARTERS
  ) {
    throw new RangeError(`${JSON.stringify(text)} is not a valid absolute SMPP time`);
  }
  const offsetMinutes = (match[9] === '-' ? -nn : nn) * 15;
  return new Date(local - offsetMinutes * 60_000);
}
