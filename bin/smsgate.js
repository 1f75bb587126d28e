#!/usr/bin/env node
// The package's executable: runs the compiled CLI (build first with `npm run build`).
import('../dist/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    console.error('smsgate is not built yet: run `npm run build` (`npm ci` builds it too).');
    process.exit(1);
  }
  throw error;
});
