/** One printed figure of a scenario, with what reproduces it. */
export interface Row {
  scenario: string;
  figure: string;
  /** How to run just this scenario again. */
  command: string;
}

export function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

export function ms(n: number): string {
  return Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a';
}

export function printTable(rows: readonly Row[]): void {
  console.log('| scenario | figures | reproduce |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(`| ${row.scenario} | ${row.figure} | \`${row.command}\` |`);
}
