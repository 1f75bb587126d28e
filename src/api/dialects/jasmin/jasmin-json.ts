/** A value of Jasmin's JSON answers: a float (Python writes `100.0`), an int, or text. */
export type JasminValue = { readonly float: number } | number | string;

/**
 * JSON as Jasmin's Python writes it (`json.dumps`): `", "` and `": "` between items, floats with
 * their `.0`, so `{"balance": 100.0, "sms_count": "ND"}` is byte for byte what its docs show.
 */
export function jasminJson(entries: Readonly<Record<string, JasminValue>>): string {
  const items = Object.entries(entries).map(([name, value]) => {
    let text: string;
    if (typeof value === 'object')
      text = Number.isInteger(value.float) ? `${value.float}.0` : String(value.float);
    else text = JSON.stringify(value);
    return `${JSON.stringify(name)}: ${text}`;
  });
  return `{${items.join(', ')}}`;
}
