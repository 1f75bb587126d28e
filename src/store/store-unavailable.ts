/**
 * Whether an error says the database cannot be reached or used right now (as opposed to a bug or
 * a bad query): PostgreSQL down, restarting or out of connections; SQLite locked by another
 * process past busy_timeout, or its disk full or failing. The API answers these with
 * 503 store_unavailable, so callers retry, instead of a 500.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // SQLSTATE class 08: connection exception; 57P01–57P03: shutting down, crashed, starting up;
    // 53xxx: out of resources (disk full, too many connections).
    if (/^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/.test(code)) return true;
  }
  // pg's own words for a connection that died (the first query to see it, a later one on the same
  // client — "Client has encountered a connection error and is not queryable" — or a pool timeout).
  return (
    typeof message === 'string' &&
    /^Connection terminated|timeout exceeded when trying to connect|^Client (has encountered a connection error|was closed) and is not queryable/.test(
      message,
    )
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
