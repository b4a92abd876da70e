/**
 * The last steps of test:moddable and test:mcu once their tools are found: build the bundles, then run
 * ava on the specs of one configuration (they are not in the default file set). Exits with the first
 * failing step's code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export function buildAndRunSpecs(avaConfig: string): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const steps: [string, string[]][] = [
    [npm, ['run', 'build']],
    [process.execPath, [join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), '--config', join(ROOT, avaConfig)]],
  ];
  for (const [command, args] of steps) {
    const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
