// The worked connector examples in docs/examples/, read as the tests run them. Not a test file.
import { readFileSync } from 'node:fs';

/** One of docs/examples/*.json, parsed. */
export function readExample(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../docs/examples/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}
