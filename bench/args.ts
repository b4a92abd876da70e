/**
 * The command line of `npm run bench`, and where a run may write. Options are mcalloc's one style
 * (sim/options.ts: long names, `--flag`, a typo gets "did you mean"); trace files are the only
 * positional arguments. Nothing here measures anything, so `--help` and every mistake cost no run.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseOptions, UsageError } from '../sim/options.js';
import { parseTrace, TraceError } from '../sim/trace.js';
import type { UserTrace } from './traces.js';

export { UsageError };

export const USAGE = `usage: npm run bench -- [options] [TRACE_FILE ...]

Measures every mcalloc strategy against @thi.ng/malloc and native allocation: in Node (throughput,
utilization, scaling with the number of free blocks) and in the XS engine (compute meter per
operation, with the esp32 device bundles as built). Traces: the bench's seeded synthetic ones, two
recorded by the simulator, the device traces of sim/traces, and any TRACE_FILE given. Prints the
goals with the figures and whether each is met.

  TRACE_FILE  also replay this trace: a ID SIZE | f ID | r ID SIZE, one a line (malloc-lab .rep
              headers and # comments skipped); results go to the temporary directory only
  --quick     fewer and shorter samples, thi.ng's non-default configuration left out
  --write     record a full run in the repository: bench/results.md, bench/results.svg and the
              generated section of docs/benchmarks.md (not with --quick or a TRACE_FILE)
  --help      this text

Without --write no file of the repository changes: results.md and results.svg are written to a
new temporary directory, printed at the end. Exit code 0 when the run completes (the goals table
says which goals are met), 2 with one line on stderr for bad options or an unreadable trace file.`;

/** Every option is a flag: any other argument is a trace file (a future option with a value must change that split). */
const SPEC = { help: { type: 'boolean' }, quick: { type: 'boolean' }, write: { type: 'boolean' } } as const;
const HINT = 'npm run bench -- --help';

export interface BenchArgs {
  help: boolean;
  quick: boolean;
  write: boolean;
  /** Trace files as given. */
  files: string[];
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const options = argv.filter((a) => a.startsWith('-'));
  const files = argv.filter((a) => !a.startsWith('-'));
  const o = parseOptions(options, SPEC, HINT);
  const args = { help: o.help === true, quick: o.quick === true, write: o.write === true, files };
  if (args.help) return args;
  if (args.write && files.length > 0) {
    throw new UsageError(`--write records the bench's own traces only; without --write the results of ${files.join(', ')} go to a temporary directory`);
  }
  if (args.write && args.quick) throw new UsageError('--write records a full run; leave out --quick (a --quick run writes to a temporary directory)');
  return args;
}

/**
 * Reads and checks every trace file before anything is measured; a bad one is a UsageError naming it.
 * `cwd`: where relative names start (npm runs scripts from the package root; INIT_CWD is where the user was).
 */
export function readUserTraces(files: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): UserTrace[] {
  return files.map((file) => {
    const path = resolve(cwd, file);
    let text: string;
    try {
      if (statSync(path).isDirectory()) throw new UsageError(`${file}: is a directory, not a trace file`);
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : (e as Error).message}`);
    }
    let ops;
    try {
      ops = parseTrace(text);
    } catch (e) {
      if (e instanceof TraceError) throw new UsageError(`${file}: ${e.message}`);
      throw e;
    }
    if (!ops.some((op) => op.op === 'a')) throw new UsageError(`${file}: no allocation in it (a trace is lines like "a 1 64", "f 1", "r 1 128")`);
    return { file, ops };
  });
}

export interface OutputPlan {
  /** True when the run writes files of the repository (--write). */
  tracked: boolean;
  results: string;
  chart: string;
  /** docs/benchmarks.md, whose generated section a --write run replaces; null otherwise. */
  docs: string | null;
}

/** Where a run writes: the repository (`root`) only with --write, else a new temporary directory. */
export function outputPlan(args: BenchArgs, root: string): OutputPlan {
  if (args.write) {
    return { tracked: true, results: join(root, 'bench', 'results.md'), chart: join(root, 'bench', 'results.svg'), docs: join(root, 'docs', 'benchmarks.md') };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mcalloc-bench-results-'));
  return { tracked: false, results: join(dir, 'results.md'), chart: join(dir, 'results.svg'), docs: null };
}

/**
 * The command line as bench/run.ts takes it, before anything is measured: the arguments and the user's
 * traces, or what to print and the exit code (--help: the usage and 0; a mistake: one line and 2).
 */
export function readCommandLine(argv: readonly string[], cwd?: string): { args: BenchArgs; user: UserTrace[] } | { code: 0 | 2; out: string; err: string } {
  try {
    const args = parseBenchArgs(argv);
    if (args.help) return { code: 0, out: `${USAGE}\n`, err: '' };
    return { args, user: readUserTraces(args.files, cwd) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 2, out: '', err: `npm run bench: ${e.message}\n` };
  }
}
