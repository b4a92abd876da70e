/**
 * mcalloc tune (--trace FILE | --log FILE) [--target NAME] [--targets DIR] [--strategy A,B]
 *              [--headroom 0.15] [--write] [--report FILE.html|.svg] [--json] [--quiet]
 *
 * Exit codes: 0 done; 2 bad input (usage, unreadable or malformed trace, unknown target, a trace no
 * pool can hold), with one line on stderr that names the file and, for a trace, the line.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { StrategyName } from '../../src/index.js';
import { parseOptions, suggest } from '../options.js';
import { targetDirs, userTargetDir } from '../target.js';
import { VERSION } from '../package.js';
import { ProgressLine, progressMode, type ErrOutput } from '../progress.js';
import { TraceError, parseTrace, traceTarget, type TraceOp } from '../trace.js';
import { formatResult } from './format.js';
import { reportHtml, reportSvg } from './report.js';
import { TraceTooLarge } from './search.js';
import { sampleSeries } from './series.js';
import { STRATEGIES } from './replay.js';
import { UsageError, copyToUser, findTarget, shown, tunedNote, writeTarget, type Target } from './targets.js';
import type { TuneResult } from './tune.js';
import { tuneInWorkers } from './tune-workers.js';

export const USAGE = `usage: mcalloc tune --trace FILE [options]     (in a clone of mcalloc: npm run tune -- ...)
       mcalloc tune --log FILE [options]

Replays an allocation trace against every strategy, finds each one's smallest pool, and
recommends a strategy and a pool size with headroom.

  --trace FILE     one operation per line: a ID SIZE | f ID | r ID SIZE
  --log FILE       instead of --trace: a device log (xsbug, serial console) as trace() prints it;
                   lines that are not trace lines are skipped
  --target NAME    compare with the target NAME.json (its poolSize, strategy, alignment, debug);
                   default: the target named by the trace's header line (# ... target NAME ...)
  --targets DIR    your targets directory instead of ./targets (it must exist); then the
                   targets shipped with mcalloc (mcalloc targets lists them)
  --strategy A,B   tune only these strategies (default: all of ${STRATEGIES.join(', ')})
  --headroom X     fraction added to the smallest pool for the recommendation (default 0.15)
  --write          set the target's poolSize (the size for its own strategy) and its note;
                   a shipped target is first copied into ./targets (or --targets DIR)
  --report FILE    write charts: .svg (an image) or .html (the image and the table)
  --json           print the table, the bounds and the recommendation as one JSON document
  --quiet          no progress on stderr (else a line redrawn on a terminal, or a line every
                   few seconds in a pipe or a log)
  --version        the version of mcalloc
  --help           this text

Options take their value as --trace FILE or --trace=FILE. Exit code 0, or 2 with one line on
stderr for bad options or input.`;

const SPEC = {
  trace: { type: 'string' }, log: { type: 'string' }, target: { type: 'string' }, targets: { type: 'string' },
  strategy: { type: 'string' }, headroom: { type: 'string' }, write: { type: 'boolean' }, report: { type: 'string' },
  json: { type: 'boolean' }, quiet: { type: 'boolean' }, version: { type: 'boolean' }, help: { type: 'boolean' },
} as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Where progress goes; none when absent. */
  progress?: ErrOutput;
  /** Between two progress lines off a terminal (tests shorten it). */
  progressEveryMs?: number;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), progress: process.stderr };

interface Args {
  /** The file of --trace or --log. */
  trace: string;
  target?: string;
  targets?: string;
  strategies: readonly StrategyName[];
  headroom: number;
  write: boolean;
  report?: string;
  log: boolean;
  json: boolean;
  quiet: boolean;
}

export function parseTuneArgs(argv: readonly string[]): Args | 'help' | 'version' {
  const o = parseOptions(argv, SPEC, 'mcalloc tune --help');
  if (o.help) return 'help';
  if (o.version) return 'version';
  if (o.trace !== undefined && o.log !== undefined) throw new UsageError('give --trace FILE or --log FILE, not both (--log FILE reads a device log)');
  const file = o.trace ?? o.log;
  if (file === undefined) throw new UsageError('--trace FILE (or --log FILE for a device log) is required (see mcalloc tune --help)');
  let headroom = 0.15;
  if (o.headroom !== undefined) {
    headroom = Number(o.headroom);
    if (o.headroom.trim() === '' || !Number.isFinite(headroom) || headroom < 0 || headroom > 10) throw new UsageError(`--headroom must be a number from 0 to 10 (got ${JSON.stringify(o.headroom)})`);
  }
  if (o.report !== undefined && !/\.(svg|html?)$/i.test(o.report)) throw new UsageError(`--report must name a .svg or .html file (got ${JSON.stringify(o.report)})`);
  if (o.target !== undefined && o.target === '') throw new UsageError('--target needs a name');
  // A mistyped --targets must fail now, not only once a target is looked up.
  if (o.targets !== undefined) targetDirs(o.targets);
  return {
    trace: file, target: o.target, targets: o.targets, strategies: o.strategy === undefined ? STRATEGIES : strategyList(o.strategy),
    headroom, write: o.write === true, report: o.report, log: o.log !== undefined, json: o.json === true, quiet: o.quiet === true,
  };
}

function strategyList(text: string): StrategyName[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!STRATEGIES.includes(name as StrategyName)) throw new UsageError(`--strategy: unknown strategy ${JSON.stringify(name)}${suggest(name, STRATEGIES)}; strategies: ${STRATEGIES.join(', ')}`);
  }
  // In the table's usual order, each once: "tlsf,best-fit,tlsf" tunes best-fit and tlsf.
  return STRATEGIES.filter((s) => names.includes(s));
}

function readTrace(file: string, lenient: boolean): { ops: TraceOp[]; header?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read trace ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (e as Error).message}`);
  }
  let ops: TraceOp[];
  try {
    ops = parseTrace(text, { lenient });
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  if (!ops.some((o) => o.op !== 'f')) throw new UsageError(`${file}: no allocations in the trace${lenient ? ' (no line of the log is a trace line: was it a build with "trace": true?)' : ' (a device log? try --log FILE)'}`);
  return { ops, header: traceTarget(text) };
}

/** The target to compare with: --target, else the trace's header line; a named one must exist. */
function chooseTarget(args: Args, header: string | undefined, warn: (s: string) => void): { target?: Target; from?: 'option' | 'header' } {
  if (args.target !== undefined) return { target: findTarget(args.target, args.targets), from: 'option' };
  if (header === undefined) {
    if (args.write) throw new UsageError('--write needs --target NAME (the trace has no header line naming its target)');
    return {};
  }
  try {
    return { target: findTarget(header, args.targets), from: 'header' };
  } catch (e) {
    if (!(e instanceof UsageError) || args.write) throw e;
    warn(`mcalloc tune: the trace names target ${JSON.stringify(header)}, which is not here: no comparison (${e.message})\n`);
    return {};
  }
}

interface Wrote { file: string; copiedFrom: string | null; poolSize: { from: number; to: number }; note: { from: string | null; to: string } }

function jsonDocument(result: TuneResult, trace: { file: string; operations: number }, target: Target | undefined, from: string | undefined, wrote: Wrote | null, report: string | null) {
  const own = target ? result.results.find((r) => r.strategy === target.strategy) : undefined;
  return {
    trace,
    target: target ? { name: target.name, file: shown(target.file), from, shipped: target.shipped, poolSize: target.poolSize, strategy: target.strategy } : null,
    profile: result.profile,
    headroom: result.headroom,
    strategies: result.results.map((r) => ({
      strategy: r.strategy,
      smallestPool: r.search.size,
      exact: r.search.exact,
      scannedDownTo: r.search.scannedDownTo,
      lowerBound: r.search.lowerBound,
      replays: r.search.replays,
      utilization: r.utilization,
      failuresAtCurrent: r.failuresAtCurrent,
      worstOp: r.cost.worst,
      meanOp: r.cost.mean,
      withHeadroom: r.withHeadroom,
      anyTrace: { pool: r.boundPool, formula: r.bound.formula, source: r.bound.source },
    })),
    recommended: result.recommended,
    forTarget: own ? { strategy: own.strategy, poolSize: own.withHeadroom } : null,
    robsonFloorPool: result.robsonFloorPool,
    wrote,
    report,
  };
}

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let progress: ProgressLine | undefined;
  let traceFile = '';
  try {
    const args = parseTuneArgs(argv);
    if (args === 'help' || args === 'version') {
      io.out(`${args === 'help' ? USAGE : VERSION}\n`);
      return 0;
    }
    traceFile = args.trace;
    progress = new ProgressLine(io.progress, progressMode(io.progress, args.quiet), io.progressEveryMs);
    progress.update(`mcalloc tune: reading ${args.trace}`, true);
    const { ops, header } = readTrace(args.trace, args.log);
    const { target, from } = chooseTarget(args, header, io.err);
    if (args.write && target && !args.strategies.includes(target.strategy)) {
      throw new UsageError(`--write sizes the pool for the target's own strategy, ${target.strategy}: add it to --strategy`);
    }
    // Where --write puts a shipped target's copy, said before the search so that it cannot fail after it.
    const copyTo = target?.shipped ? userTargetDir(args.targets) : null;
    if (args.write && target?.shipped && copyTo === null) {
      throw new UsageError(`--write: ${target.name} is a target shipped with mcalloc (${shown(target.file)}); in mcalloc's own clone, pass --targets DIR`);
    }
    // Before the search, which can take minutes on a large trace: a report that cannot be written fails now.
    if (args.report !== undefined && !existsSync(dirname(resolve(args.report)))) {
      throw new UsageError(`cannot write report ${args.report}: no directory ${dirname(args.report)}`);
    }
    const traceName = basename(args.trace);
    const result = await tuneInWorkers(ops, {
      headroom: args.headroom,
      alignment: target?.alignment,
      debug: target?.debug,
      current: target ? { poolSize: target.poolSize, strategy: target.strategy } : undefined,
      strategies: args.strategies,
      onProgress: (what, start) => progress!.update(`mcalloc tune: ${traceName}, ${ops.length} operations: ${what}`, start),
    });
    const ctx = {
      traceName,
      target: target ? { name: target.name, poolSize: target.poolSize, strategy: target.strategy, file: shown(target.file), from, copyTo: copyTo === null ? undefined : shown(join(copyTo, `${target.name}.json`)) } : undefined,
      willWrite: args.write,
    };
    const text = formatResult(result, ctx);
    if (args.report) {
      progress.update('mcalloc tune: drawing the report', true);
      const pool = result.recommended.poolSize;
      const series = result.results.map((r) => sampleSeries(ops, { strategy: r.strategy, poolSize: pool, alignment: target?.alignment, debug: target?.debug }));
      const input = { result, series, traceName, currentPool: target?.poolSize };
      try {
        writeFileSync(args.report, /\.svg$/i.test(args.report) ? reportSvg(input) : reportHtml(input, text));
      } catch (e) {
        throw new UsageError(`cannot write report ${args.report}: ${(e as Error).message}`);
      }
    }
    let wrote: Wrote | null = null;
    if (args.write && target) {
      const own = result.results.find((r) => r.strategy === target.strategy)!;
      const note = tunedNote(target.note, target.poolSize, own.withHeadroom, traceName, args.headroom);
      let mine = target;
      try {
        if (target.shipped) mine = copyToUser(target, args.targets);
        writeTarget(mine, own.withHeadroom, note);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`--write: cannot write ${shown(mine === target ? target.file : join(copyTo!, `${target.name}.json`))}: ${(e as Error).message}`);
      }
      wrote = {
        file: shown(mine.file), copiedFrom: target.shipped ? shown(target.file) : null,
        poolSize: { from: target.poolSize, to: own.withHeadroom }, note: { from: target.note ?? null, to: note },
      };
    }
    progress.clear();
    if (args.json) {
      io.out(`${JSON.stringify(jsonDocument(result, { file: args.trace, operations: ops.length }, target, from, wrote, args.report ?? null), null, 2)}\n`);
      return 0;
    }
    io.out(text);
    if (args.report) io.out(`report: ${args.report}\n`);
    if (wrote?.copiedFrom) io.out(`copied ${wrote.copiedFrom} (shipped with mcalloc) to ${wrote.file}, which every mcalloc command now finds first\n`);
    if (wrote) io.out(`wrote ${wrote.file}: poolSize ${wrote.poolSize.from} -> ${wrote.poolSize.to} (for its own strategy, ${target!.strategy}); note: ${JSON.stringify(wrote.note.to)}\n`);
    return 0;
  } catch (e) {
    progress?.clear();
    if (e instanceof UsageError || e instanceof TraceTooLarge) {
      io.err(`mcalloc tune: ${e instanceof TraceTooLarge ? `${traceFile}: ` : ''}${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
