/** What a DLR's `%` escapes are filled in from. */
export interface KannelDlrValues {
  readonly type: number;
  /** The SMSC's reply (`%A`): the receipt's raw code, `ACK/` or `NACK/…`. */
  readonly smscReply: string;
  /** `%F`: the foreign (upstream's) message id. */
  readonly foreignId: string;
  /** The handset, E.164 (`%p`; `%P` is the original sender, as Kannel swaps them in a DLR). */
  readonly phone: string;
  readonly sender: string;
  /** `%R`: the dlr-url as the request gave it. */
  readonly dlrUrl: string;
  /** Epoch ms of the report. */
  readonly at: number;
  readonly smscId: string;
  readonly messageId: string;
  readonly username: string;
  readonly coding: string;
  readonly mclass: string;
  readonly account: string;
  readonly metaData: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM` (UTC), Kannel's `%t`. */
function kannelTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A number as an SMSC writes it, without E.164's `+` (Kannel's `%p`; `%q` keeps the `+`). */
const digits = (number: string) => number.replace(/^\+/, '');

/**
 * A dlr-url with Kannel's escapes (user guide, "Parameters (Escape Codes)") filled in, each value
 * URL-encoded as Kannel encodes them: `%d` the DLR type, `%A` the SMSC's reply (and `%a`, the
 * report's text), `%F` the foreign (upstream's) message id, `%p`/`%q` the handset without/with
 * `+`, `%P`/`%Q` the sender, `%t` time (`YYYY-MM-DD HH:MM`, UTC), `%T` Unix time, `%i` the SMSC
 * id (the connector), `%I` the message id, `%R` the dlr-url itself, `%n` the sendsms user, `%c`
 * coding, `%C` charset, `%m` message class, `%o` account, `%D` meta-data. Any other `%x` stays as
 * it is. Only the part after the origin is filled in: the origin is the destination the deliverer
 * backs off.
 */
export function expandDlrUrl(url: string, values: KannelDlrValues): string {
  const map: Readonly<Record<string, string>> = {
    d: String(values.type),
    A: values.smscReply,
    a: values.smscReply,
    F: values.foreignId,
    p: digits(values.phone),
    q: values.phone,
    P: digits(values.sender),
    Q: values.sender,
    R: values.dlrUrl,
    t: kannelTime(values.at),
    T: String(Math.floor(values.at / 1000)),
    i: values.smscId,
    I: values.messageId,
    n: values.username,
    c: values.coding,
    C: values.coding === '2' ? 'UTF-16BE' : 'GSM',
    m: values.mclass,
    o: values.account,
    D: values.metaData,
  };
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const rest = url.slice(origin.length).replace(/%(.)/g, (sequence, letter: string) => {
    const value = map[letter];
    return value === undefined ? sequence : encodeURIComponent(value);
  });
  return origin + rest;
}
