/**
 * The typed-error contract on a Moddable device: xsl freezes every built-in (and the preloaded modules'
 * classes), and assigning a property that a frozen prototype holds (an Error's `name`) throws a
 * TypeError there. The error sweep (every error code) runs in a child process whose built-ins are
 * frozen that way, on the Node library and on every target's bundle: each call must throw an
 * AllocatorError with its code and name, and the same message as with nothing frozen.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadTargets } from '../build/targets.mjs';
import { errorSweepScript, sweptCodes, runSweepInNode, type SweepCase } from './helpers/error-sweep.js';

const targets = loadTargets('targets');
const names = ['library', ...targets.map((t) => t.name)];

test('every error code is an AllocatorError with its code when the built-ins are frozen (library and every bundle)', async (t) => {
  const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'frozen-sweep.ts'), ...names], { maxBuffer: 16 << 20 });
  const frozen = JSON.parse(run.stdout) as Record<string, SweepCase[] | string>;
  for (const name of names) {
    const cases = frozen[name];
    if (typeof cases === 'string') {
      t.fail(`${name}: ${cases}`);
      continue;
    }
    t.deepEqual([...new Set(cases.map((c) => c.expect))].sort(), sweptCodes(targets.find((x) => x.name === name)?.lock ?? 'none').sort(), `${name}: every code is swept`);
    for (const c of cases) {
      t.true(c.threw && c.typed && c.isError, `${name}: ${c.what}: threw ${c.name} ${c.message}`);
      t.is(c.code, c.expect, `${name}: ${c.what}`);
      t.is(c.name, 'AllocatorError', `${name}: ${c.what}`);
    }
    // The same calls with nothing frozen give the same errors, messages included.
    const target = targets.find((x) => x.name === name);
    const file = target === undefined ? join('src', 'index.ts') : join('dist', 'targets', name, 'mcalloc.js');
    const script = errorSweepScript({ poolSize: 4096, strategy: target?.strategy ?? 'tlsf', lock: target?.lock ?? 'none', debug: target?.debug ?? false });
    t.deepEqual(cases, runSweepInNode(script, await import(pathToFileURL(join(process.cwd(), file)).href)), `${name}: frozen and not`);
    if (target !== undefined) t.true(readFileSync(file, 'utf8').length > 0);
  }
});
