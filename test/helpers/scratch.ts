import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new directory in the system's temp directory, removed (pass or fail) through `cleanup`: a test's
 * `(f) => t.teardown(f)`, or `(f) => test.after.always(f)` for one a whole file shares.
 */
export function scratchDir(prefix: string, cleanup: (remove: () => void) => void): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
