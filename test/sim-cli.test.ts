/** `npm run sim` / `npx mcalloc sim`: options, exit codes, output forms, the recorded trace. */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../sim/cli.js';
import { PACKAGE_TARGETS } from '../sim/package.js';
import { parseTrace } from '../sim/trace.js';
import { scratchDir } from './helpers/scratch.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

for (const [argv, says] of [
  [['--bogus'], /unknown option --bogus/],
  [['--sed', '3'], /unknown option --sed \(did you mean --seed\?\)/],
  [['--ops'], /--ops needs a value/],
  [['--ops', '--json'], /--ops needs a value/],
  [['--ops', '-5'], /--ops takes an integer/],
  [['--ops=1.5'], /--ops takes an integer/],
  [['--json=yes'], /--json takes no value/],
  [['--duration', '0'], /--duration takes a positive number/],
  [['--ops', '10', '--duration', '1'], /give --ops or --duration, not both/],
  [['-x'], /unknown option -x/],
  [['--lock', 'spin'], /--lock must be one of none, interrupt, atomics/],
  [['--workload', 'nope'], /--workload must be one of steady, storm, fragment/],
  [['--target', 'nope'], /unknown target "nope"/],
  [['--seed', '1', '--seed', '2'], /--seed given twice/],
  [['extra'], /unexpected argument "extra"/],
  [['--ops', '1000000000000'], /--ops takes an integer from 1 to 1,000,000,000 \(got "1000000000000"\)/],
  [['--ops', '1e12'], /--ops takes an integer from 1 to 1,000,000,000/],
  [['--targets', '/nonexistent'], /--targets \/nonexistent: no such directory/],
  [['--targets', 'package.json'], /--targets package\.json: not a directory/],
] as const) {
  test(`bad options exit 2 with a clear message: ${argv.join(' ')}`, async (t) => {
    const r = await run([...argv]);
    t.is(r.code, 2);
    t.regex(r.err, says);
    t.regex(r.err, /^mcalloc sim: [^\n]+\n$/, 'one line');
    t.is(r.out, '');
  });
}

test('plain text when stdout is not a terminal: heap map, summary, verdict; no progress off a terminal', async (t) => {
  const r = await run(['--ops', '20000', '--seed', '3']);
  t.is(r.code, 0, r.err);
  t.is(r.err, '', 'no progress when stderr is not a terminal');
  t.notRegex(r.out, /\x1b\[/, 'no cursor movement off a terminal');
  t.regex(r.out, /^ops [\d,]+ {3}interrupts/m);
  t.regex(r.out, /^0000 H+[#.+]+$/m, 'the heap map starts with the pool header');
  for (const label of ['operations', 'interrupts', 'failed allocations', 'peak use', 'fragmentation', 'longest masked span', 'verdict']) {
    t.regex(r.out, new RegExp(`^${label} `, 'm'));
  }
  t.regex(r.out, /^verdict +PASS/m);
});

test('progress goes to stderr on a terminal, and --quiet silences it', async (t) => {
  let out = '', err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: true } };
  t.is(await main(['--duration', '0.3', '--seed', '2'], io), 0);
  t.regex(err, /ops [\d,]+ {3}interrupts/, 'a progress line on the terminal');
  t.regex(err, /\x1b\[0J$/, 'erased at the end');
  t.notRegex(out, /\x1b\[/);
  t.regex(out, /^verdict +PASS/m);
  err = '';
  t.is(await main(['--ops', '3000', '--quiet'], io), 0);
  t.is(err, '');
});

test('a run depends only on its options: the reproduce line repeats it, count for count', async (t) => {
  const counts = (out: string) => {
    const r = JSON.parse(out);
    delete r.elapsedMs;
    delete r.maskedSpans.longest;
    delete r.maskedSpans.byOperation;
    for (const s of r.interrupts.sources) delete s.wall;
    return r;
  };
  const first = await run(['--ops', '100', '--json']);
  const r1 = JSON.parse(first.out);
  t.true(r1.operations >= 100 && r1.operations < 110, `--ops 100 ran ${r1.operations}: the last main-loop step may add a few`);
  t.is(r1.allocations + r1.frees + r1.reallocations, r1.operations, 'the drain is not counted as operations');
  t.regex(r1.reproduce, /^npx mcalloc sim --target sim --model interrupts --workload steady --strategy tlsf --lock interrupt --seed 1 --ops 100$/);
  // A wall-clock run: its reproduce line names the operations it reached, and repeats the same run.
  const timed = await run(['--duration', '0.2', '--json', '--workload', 'fragment', '--seed', '5']);
  const r2 = JSON.parse(timed.out);
  const again = await run([...r2.reproduce.split(' ').slice(3), '--json']);
  t.deepEqual(counts(again.out), { ...counts(timed.out), reproduce: JSON.parse(again.out).reproduce });
  t.is(JSON.parse(again.out).operations, r2.operations);
  // Same options twice: the same run.
  t.deepEqual(counts((await run(['--ops', '5000', '--json', '--seed', '9'])).out), counts((await run(['--ops', '5000', '--json', '--seed', '9'])).out));
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
  const dir = scratchDir('mcalloc-sim-', (f) => t.teardown(f));
  const file = join(dir, 'run.trace');
  const r = await run(['--ops', '10000', '--record', file, '--json']);
  const result = JSON.parse(r.out);
  const ops = parseTrace(readFileSync(file, 'utf8'));
  t.is(ops.filter((o) => o.op === 'a').length, result.allocations - result.failedAllocations);
  t.is(ops.filter((o) => o.op === 'f').length, result.frees + result.drained, 'the drain frees are in the trace too');
  t.true(ops.some((o) => o.op === 'r'));
});

test('npx mcalloc: the bin runs the compiled CLI; --version, --help, unknown commands exit 2', async (t) => {
  const exec = promisify(execFile);
  const ok = await exec(process.execPath, ['bin/mcalloc.mjs', 'sim', '--ops', '2000']);
  t.regex(ok.stdout, /verdict +PASS/);
  const version = await exec(process.execPath, ['bin/mcalloc.mjs', '--version']);
  t.is(version.stdout, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
  t.regex((await exec(process.execPath, ['bin/mcalloc.mjs', '--help'])).stdout, /^usage: mcalloc <command>/);
  t.regex((await exec(process.execPath, ['bin/mcalloc.mjs', 'tune', '--help'])).stdout, /^usage: mcalloc tune --trace FILE/);
  t.regex((await exec(process.execPath, ['bin/mcalloc.mjs', 'help', 'sim'])).stdout, /^usage: mcalloc sim/);
  const extra = await t.throwsAsync(exec(process.execPath, ['bin/mcalloc.mjs', 'help', 'tune', 'extra']));
  t.is((extra as unknown as { code: number }).code, 2);
  const err = await t.throwsAsync(exec(process.execPath, ['bin/mcalloc.mjs', 'tnue']));
  t.is((err as unknown as { code: number }).code, 2);
  t.is((err as unknown as { stderr: string }).stderr, 'mcalloc: unknown command "tnue" (did you mean tune?); commands: sim, tune, targets (see mcalloc --help)\n');
  // --version after every command, not only the bare one.
  for (const command of ['sim', 'tune', 'targets']) {
    t.is((await exec(process.execPath, ['bin/mcalloc.mjs', command, '--version'])).stdout, version.stdout, command);
  }
});

test('--version prints the version and runs nothing', async (t) => {
  const r = await run(['--version']);
  t.deepEqual(r, { code: 0, out: `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`, err: '' });
});

const board = { poolSize: 32768, strategy: 'first-fit', lock: 'none', alignment: 8, debug: false, note: 'Our board.' };

test('--target names a target of yours (--targets DIR) and the run uses its pool; the reproduce line keeps --targets', async (t) => {
  const dir = scratchDir('mcalloc-sim-targets-', (f) => t.teardown(f));
  writeFileSync(join(dir, 'myboard.json'), JSON.stringify(board));
  const r = await run(['--targets', dir, '--target', 'myboard', '--ops', '3000']);
  t.is(r.code, 0, r.err);
  t.regex(r.out, new RegExp(`^mcalloc sim: target myboard from ${dir}/myboard\\.json \\(first-fit, lock none, 32\\.0 KiB pool\\)`, 'm'));
  t.regex(r.out, /^peak use +[\d,]+ of 32,768 bytes/m);
  t.regex(r.out, new RegExp(`^reproduce +npx mcalloc sim --target myboard --targets ${dir} `, 'm'));
  // A shipped name is still found behind the user's directory.
  t.regex((await run(['--targets', dir, '--target', 'esp8266', '--ops', '1000'])).out, /^mcalloc sim: target esp8266 \(first-fit, lock none, 16\.0 KiB pool\)/m);
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...board, poolSize: 100 }));
  const broken = await run(['--targets', dir, '--target', 'broken']);
  t.is(broken.code, 2);
  t.regex(broken.err, /^mcalloc sim: .*broken\.json: field "poolSize" must be an integer number of bytes, 1024 <= poolSize < 2\^31 \(got 100\)\n$/);
});

// Serial: it changes the current directory, which every concurrent test would see.
test.serial('./targets/sim.json of the current directory (a tuned copy) is the pool sim runs by default', async (t) => {
  const project = scratchDir('mcalloc-sim-project-', (f) => t.teardown(f));
  mkdirSync(join(project, 'targets'));
  const shipped = JSON.parse(readFileSync(join(PACKAGE_TARGETS, 'sim.json'), 'utf8'));
  writeFileSync(join(project, 'targets', 'sim.json'), JSON.stringify({ ...shipped, poolSize: 40960 }));
  const back = process.cwd();
  process.chdir(project);
  try {
    const r = await run(['--ops', '3000']);
    t.is(r.code, 0, r.err);
    t.regex(r.out, /^mcalloc sim: target sim from targets\/sim\.json \(tlsf, lock interrupt, 40\.0 KiB pool\)/m);
    t.regex(r.out, /^peak use +[\d,]+ of 40,960 bytes/m);
  } finally {
    process.chdir(back);
  }
});
