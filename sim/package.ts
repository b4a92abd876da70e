/**
 * The mcalloc package's own files. The CLI runs from sim/ in the repository (through tsx) and from
 * dist/cli/ once built and installed, so paths are found from the package root, not from this module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): { root: string; version: string } {
  for (let dir = dirname(from); ; ) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mcalloc') return { root: dir, version: String(pkg.version) };
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`mcalloc: no package.json of mcalloc above ${from}`);
    dir = up;
  }
}

const found = findRoot(fileURLToPath(import.meta.url));

/** The directory that holds mcalloc's package.json. */
export const PACKAGE_ROOT = found.root;
export const VERSION = found.version;
/** The targets shipped with the package (targets/*.json). */
export const PACKAGE_TARGETS = join(PACKAGE_ROOT, 'targets');
