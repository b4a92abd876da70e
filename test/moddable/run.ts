/**
 * `npm run test:moddable` (also the last step of `npm test`): the tests that need the Moddable SDK. With
 * MODDABLE naming an SDK whose Linux host tools are built, it builds the bundles and runs sdk.spec.ts;
 * otherwise it prints one line saying it skipped and why, and succeeds.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findSdk, ROOT } from './sdk.js';

const sdk = findSdk();
if (typeof sdk === 'string') {
  console.log(`test:moddable skipped: ${sdk}`);
  process.exit(0);
}
console.log(`test:moddable: Moddable SDK ${sdk.version} at ${sdk.root}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const steps: [string, string[]][] = [
  [npm, ['run', 'build']],
  [process.execPath, [join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), '--config', join(ROOT, 'test', 'moddable', 'ava.config.mjs')]],
];
for (const [command, args] of steps) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
