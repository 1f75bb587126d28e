/** What a DLR's `%` escapes are filled in from. */
export interface KannelDlrValues {
  readonly type: number;
  /** The SMSC's reply (`%A`): the receipt's raw code, `ACK/` or `NACK/…`. */
  readonly smscReply: string;
  /** `%F`: the failure code, if any. */
  readonly failureCode: string;
  /** The handset (`%p`; `%P` is the original sender, as Kannel swaps them in a DLR). */
  readonly phone: string;
  readonly sender: string;
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

/**
 * A dlr-url with Kannel's escapes filled in, each value URL-encoded as Kannel encodes them:
 * `%d` type, `%A` SMSC reply, `%a` the report's text (the same), `%F` failure code, `%p`/`%q` the
 * handset, `%P`/`%Q` the sender, `%t` time, `%T` Unix time, `%i` SMSC id (the connector), `%I`
 * the message id, `%n` the sendsms user, `%c` coding, `%C` charset, `%m` class, `%o` account,
 * `%D` meta-data, `%%` a percent sign. Any other `%x` is left as it is. Only the part after the
 * origin is filled in: the origin is the destination the deliverer backs off.
 */
export function expandDlrUrl(url: string, values: KannelDlrValues): string {
  const map: Readonly<Record<string, string>> = {
    d: String(values.type),
    A: values.smscReply,
    a: values.smscReply,
    F: values.failureCode,
    p: values.phone,
    q: values.phone,
    P: values.sender,
    Q: values.sender,
    t: kannelTime(values.at),
    T: String(Math.floor(values.at / 1000)),
    i: values.smscId,
    I: values.messageId,
    n: values.username,
    c: values.coding,
    C: values.coding === '2' ? 'UTF-16BE' : 'UTF-8',
    m: values.mclass,
    o: values.account,
    D: values.metaData,
    '%': '%',
  };
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const rest = url.slice(origin.length).replace(/%(.)/g, (sequence, letter: string) => {
    const value = map[letter];
    if (value === undefined) return sequence;
    return letter === '%' ? '%' : encodeURIComponent(value);
  });
  return origin + rest;
}
