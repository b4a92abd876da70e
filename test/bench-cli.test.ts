/**
 * `npm run bench` as a user types it, without a benchmark run: --help and every mistake return at once
 * with the right exit code and one line, and the repository's files are written only with --write.
 * Each case is checked in this process (readCommandLine, what bench/run.ts prints and exits with); one
 * spawned run per kind of answer proves the entry point prints exactly that.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { outputPlan, parseBenchArgs, readCommandLine, readUserTraces, UsageError } from '../bench/args.js';
import { ROOT } from './helpers/docs.js';
import { scratchDir } from './helpers/scratch.js';

const TRACKED = ['bench/results.md', 'bench/results.svg', 'docs/benchmarks.md'];
const scratch = scratchDir('mcalloc-bench-cli-', (f) => test.after.always(f));

/** Contents and modification times of the files only a --write run may change. */
function tracked(): string[] {
  return TRACKED.map((f) => `${f} ${statSync(join(ROOT, f)).mtimeMs} ${readFileSync(join(ROOT, f), 'utf8').length}:${readFileSync(join(ROOT, f), 'utf8')}`);
}

const resultDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('mcalloc-bench-results-'));

/** The bench's entry as `npm run bench -- ARGS` runs it (from the package root, INIT_CWD the user's directory). */
function bench(args: string[], cwd = scratch) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: cwd },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What the entry point prints and exits with for ARGS, decided in this process. */
function answer(args: string[], cwd = scratch) {
  const r = readCommandLine(args, cwd);
  if (!('code' in r)) throw new Error(`${args.join(' ')}: would start a benchmark run`);
  return r;
}

function oneLine(t: { is: (a: unknown, b: unknown, m?: string) => void }, err: string): void {
  t.is(err.split('\n').filter((l) => l !== '').length, 1, `one line expected, got: ${err}`);
  t.is(/\n\s+at /.test(err), false, 'no stack trace');
}

test('bench --help prints the usage and exits 0 without running or writing anything', (t) => {
  const before = tracked();
  const dirs = resultDirs();
  const spawned = bench(['--help']);
  t.deepEqual(spawned, answer(['--help']), 'the entry point prints what readCommandLine says');
  for (const flag of ['--help', '-h']) {
    const r = answer([flag]);
    t.is(r.code, 0, r.err);
    t.true(r.out.startsWith('usage: npm run bench -- [options] [TRACE_FILE ...]'));
    t.regex(r.out, /--write/);
    t.is(r.err, '', 'no progress: nothing ran');
  }
  // Help wins over anything else on the line, a missing file or --write included: it never starts a run.
  const r = answer(['--write', 'no-such.rep', '--help']);
  t.is(r.code, 0, r.err);
  t.is(r.err, '');
  t.deepEqual(tracked(), before);
  t.deepEqual(resultDirs(), dirs);
});

test('bench: an unknown or mistyped flag exits 2 with one line on stderr', (t) => {
  const cases: [string[], RegExp][] = [
    [['--quik'], /^npm run bench: unknown option --quik \(did you mean --quick\?\)/],
    [['--wirte'], /unknown option --wirte \(did you mean --write\?\)/],
    [['--iterations', '5'], /unknown option --iterations/],
    [['--quick=yes'], /--quick takes no value/],
    [['--quick', '--quick'], /--quick given twice/],
    [['-q'], /unknown option -q: options are long/],
  ];
  t.deepEqual(bench(cases[0][0]), answer(cases[0][0]), 'the entry point prints what readCommandLine says');
  for (const [args, message] of cases) {
    const r = answer(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, message);
    oneLine(t, r.err);
    t.is(r.out, '');
  }
});

test('bench: a missing or malformed trace file is a one-line error (exit 2), not a stack trace', (t) => {
  writeFileSync(join(scratch, 'bad.rep'), 'a 1 64\nf 2\n');
  writeFileSync(join(scratch, 'empty.rep'), '# nothing\n');
  const cases: [string[], string][] = [
    [['no-such.rep'], 'npm run bench: no-such.rep: no such file\n'],
    [['--quick', 'bad.rep'], 'npm run bench: bad.rep: line 2: free of unknown id 2\n'],
    [['empty.rep'], 'npm run bench: empty.rep: no allocation in it (a trace is lines like "a 1 64", "f 1", "r 1 128")\n'],
    [['.'], 'npm run bench: .: is a directory, not a trace file\n'],
  ];
  t.deepEqual(bench(cases[1][0]), answer(cases[1][0]), 'the entry point prints what readCommandLine says');
  for (const [args, message] of cases) {
    const r = answer(args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.err, message);
    t.is(r.out, '');
  }
  // Relative names start where the user ran npm, not at the package root npm runs the script from.
  writeFileSync(join(scratch, 'ok.rep'), 'a 1 64\nr 1 128\nf 1\n');
  t.deepEqual(readUserTraces(['ok.rep'], scratch).map((u) => u.ops.length), [3]);
  t.throws(() => readUserTraces(['ok.rep'], ROOT), { instanceOf: UsageError, message: 'ok.rep: no such file' });
});

test('bench: no tracked file changes without --write; --write refuses a user trace and --quick', (t) => {
  const before = tracked();
  for (const args of [[], ['--quick'], ['my.rep'], ['--quick', 'my.rep']]) {
    const plan = outputPlan(parseBenchArgs(args), ROOT);
    t.false(plan.tracked);
    t.is(plan.docs, null);
    for (const file of [plan.results, plan.chart]) {
      t.true(relative(ROOT, file).startsWith('..'), `${file} is outside the repository`);
      t.is(dirname(dirname(file)), tmpdir());
      t.false(existsSync(file), 'a new directory: no earlier results replaced');
    }
    rmSync(dirname(plan.results), { recursive: true, force: true });
  }
  const write = outputPlan(parseBenchArgs(['--write']), ROOT);
  t.true(write.tracked);
  t.deepEqual([write.results, write.chart, write.docs].map((f) => relative(ROOT, f!)), TRACKED);

  t.throws(() => parseBenchArgs(['--write', 'my.rep']), { instanceOf: UsageError, message: /--write records the bench's own traces only/ });
  t.throws(() => parseBenchArgs(['--write', '--quick']), { instanceOf: UsageError, message: /--write records a full run/ });
  writeFileSync(join(scratch, 'my.rep'), 'a 1 64\nf 1\n');
  for (const args of [['--write', 'my.rep'], ['my.rep', '--write'], ['--write', '--quick']]) {
    const r = answer(args);
    t.is(r.code, 2, args.join(' '));
    oneLine(t, r.err);
  }
  t.deepEqual(tracked(), before);
});
