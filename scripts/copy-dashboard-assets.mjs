#!/usr/bin/env node
// tsc compiles only TypeScript: the dashboard's CSS and scripts (src/dashboard/assets) are copied
// beside the compiled dashboard (dist/dashboard/assets), where static-assets.ts looks for them.
// Runs after tsc in `npm run build` and `prepare` (so deploy/build.sh and the image ship them).
import { cpSync, existsSync, rmSync } from 'node:fs';

const from = 'src/dashboard/assets';
const to = 'dist/dashboard/assets';
if (!existsSync(from)) {
  console.error(`${from} is missing: nothing to copy`);
  process.exit(1);
}
// Stale files of an earlier build must not be served.
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
