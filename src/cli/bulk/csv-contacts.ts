import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** A CSV of contacts: its rows by header name, and a hash of its bytes (the run's identity). */
export interface Contacts {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  /** sha256 of the file's bytes, hex. */
  readonly hash: string;
}

/** Columns taken for the recipient when `--to-column` is not given, in this order. */
const RECIPIENT_COLUMNS = ['to', 'phone', 'number', 'msisdn', 'mobile'];

/**
 * Reads a CSV whose first line names the columns. The whole file is read at once: its hash is
 * needed before the first row is sent, and the row count gives the progress bar its end.
 */
export function readContacts(path: string): Contacts {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  let records: Record<string, string>[];
  try {
    records = parse(bytes, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as Record<string, string>[];
  } catch (error) {
    throw new Error(`${path} is not a CSV this command can read: ${(error as Error).message}`);
  }
  const columns = records[0] ? Object.keys(records[0]) : [];
  return { columns, rows: records, hash: createHash('sha256').update(bytes).digest('hex') };
}

/** The column holding the recipient: the one named, or the first of to/phone/number/msisdn/mobile. */
export function recipientColumn(columns: readonly string[], named: string | undefined): string {
  if (named !== undefined) {
    if (!columns.includes(named))
      throw new Error(`--to-column ${named}: the CSV has no such column (it has ${columns.join(', ')})`);
    return named;
  }
  const found = RECIPIENT_COLUMNS.find((name) => columns.includes(name));
  if (!found) {
    throw new Error(
      `the CSV has no recipient column (one of ${RECIPIENT_COLUMNS.join(', ')}); name it with --to-column`,
    );
  }
  return found;
}
