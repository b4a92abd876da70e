#!/usr/bin/env node
// mcalloc [sim|tune|targets] [options]: runs the compiled CLI (sim/main.ts, built into dist/cli by `npm run build`).
let cli;
try {
  cli = await import('../dist/cli/mcalloc.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/mcalloc.js')) throw e;
  process.stderr.write('mcalloc: dist/cli/mcalloc.js is missing: run `npm run build` in the mcalloc directory\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
