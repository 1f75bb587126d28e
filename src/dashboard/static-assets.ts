import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the dashboard's CSS and scripts are: beside this module, in `src/` and in `dist/` alike. */
export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** An asset's bytes and content type. */
export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * The asset at `name` (the path after `/dashboard/assets/`), or undefined. Only plain names of
 * known types inside `dir` are served: no `..`, no absolute or encoded paths, no dot-files, no
 * backslashes, and the resolved path is checked to be inside `dir` whatever the name said.
 */
export async function readAsset(name: string, dir: string = ASSETS_DIR): Promise<Asset | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/.test(name)) return undefined;
  const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
  if (!contentType) return undefined;
  const root = resolve(dir);
  const path = resolve(root, name);
  if (!path.startsWith(root + sep)) return undefined;
  try {
    return { body: await readFile(path), contentType };
  } catch {
    return undefined;
  }
}
