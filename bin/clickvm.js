#!/usr/bin/env node
// The clickvm command: runs the compiled CLI (npm run build, or scripts/setup.sh).
import('../dist/cli/main.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('clickvm: not built yet; run `sh scripts/setup.sh` (or `npm run build`) first');
    process.exit(1);
  }
  throw e;
});
