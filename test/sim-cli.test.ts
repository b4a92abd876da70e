/** `npm run sim` / `npx mcalloc sim`: options, exit codes, output forms, the recorded trace. */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../sim/cli.js';
import { parseTrace } from '../sim/trace.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

for (const [argv, says] of [
  [['--bogus'], /unknown option --bogus/],
  [['--ops'], /--ops needs a value/],
  [['--ops', '-5'], /--ops takes an integer/],
  [['--duration', '0'], /--duration takes a positive number/],
  [['--lock', 'spin'], /--lock must be one of none, interrupt, atomics/],
  [['--workload', 'nope'], /--workload must be one of steady, storm, fragment/],
  [['--target', 'nope'], /unknown target "nope"/],
  [['--seed', '1', '--seed', '2'], /--seed given twice/],
  [['extra'], /unexpected argument "extra"/],
] as const) {
  test(`bad options exit 2 with a clear message: ${argv.join(' ')}`, async (t) => {
    const r = await run([...argv]);
    t.is(r.code, 2);
    t.regex(r.err, says);
    t.is(r.out, '');
  });
}

test('plain text when stdout is not a terminal: progress, heap map, summary, verdict', async (t) => {
  const r = await run(['--ops', '20000', '--seed', '3']);
  t.is(r.code, 0, r.err);
  t.notRegex(r.out, /\x1b\[/, 'no cursor movement off a terminal');
  t.regex(r.out, /^ops [\d,]+ {3}interrupts/m);
  t.regex(r.out, /^0000 H+[#.+]+$/m, 'the heap map starts with the pool header');
  for (const label of ['operations', 'interrupts', 'failed allocations', 'peak use', 'fragmentation', 'longest masked span', 'verdict']) {
    t.regex(r.out, new RegExp(`^${label} `, 'm'));
  }
  t.regex(r.out, /^verdict +PASS/m);
});

test('--json is one parseable object with the summary fields; --lock none ends in exit code 1', async (t) => {
  const good = await run(['--ops', '5000', '--json']);
  const result = JSON.parse(good.out);
  t.is(good.code, 0);
  t.is(result.verdict, 'pass');
  t.true(result.operations >= 5000);
  t.is(typeof result.maskedSpans.words.allocate, 'number');
  const bad = await run(['--ops', '100000', '--json', '--lock', 'none', '--workload', 'storm']);
  t.is(bad.code, 1);
  t.is(JSON.parse(bad.out).verdict, 'corrupted');
});

test('--record writes the run as a trace that parses and matches the counts', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'mcalloc-sim-')), 'run.trace');
  const r = await run(['--ops', '10000', '--record', file, '--json']);
  const result = JSON.parse(r.out);
  const ops = parseTrace(readFileSync(file, 'utf8'));
  t.is(ops.filter((o) => o.op === 'a').length, result.allocations - result.failedAllocations);
  t.is(ops.filter((o) => o.op === 'f').length, result.frees);
  t.true(ops.some((o) => o.op === 'r'));
});

test('npx mcalloc sim: the bin runs the simulator; unknown commands exit 2', async (t) => {
  const exec = promisify(execFile);
  const ok = await exec(process.execPath, ['bin/mcalloc.mjs', 'sim', '--ops', '2000']);
  t.regex(ok.stdout, /verdict +PASS/);
  const err = await t.throwsAsync(exec(process.execPath, ['bin/mcalloc.mjs', 'frobnicate']));
  t.is((err as unknown as { code: number }).code, 2);
});
