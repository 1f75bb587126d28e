import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Copies of the API documents the dialects implement, kept with the tests so a clean clone has them.
const SEEDS = fileURLToPath(new URL('../../fixtures/seeds/', import.meta.url));

/** The text of seed file `<prefix>_*.txt` (the service pages the dialects follow). */
export function seed(prefix: string): string {
  const name = readdirSync(SEEDS).find((file) => file.startsWith(`${prefix}_`));
  if (!name) throw new Error(`no seed ${prefix} in ${SEEDS}`);
  return readFileSync(`${SEEDS}${name}`, 'utf8');
}

/** The sample bodies on a seed page: the text after each `Content-Length: length` header, up to the next HTTP line. */
export function sampleBodies(page: string): string[] {
  return page
    .split(/Content-Length: length\r?\n\r?\n?/)
    .slice(1)
    .map((part) => part.split(/\r?\nHTTP\/1\.1 /)[0]!.replace(/\s+$/, ''));
}

/** Metadata-page XML with its display indentation removed: the bytes the wire carries. */
export function unindentXml(xml: string): string {
  return xml
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join('');
}
