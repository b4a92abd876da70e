/**
 * mcalloc tune --trace FILE [--target NAME] [--headroom 0.15] [--write] [--report FILE.html|.svg]
 *              [--log] [--targets DIR]
 *
 * Exit codes: 0 done; 2 bad input (usage, unreadable or malformed trace, unknown target), with one
 * line on stderr that names the file and, for a trace, the line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TraceError, parseTrace, type TraceOp } from '../trace.js';
import { formatResult } from './format.js';
import { reportHtml, reportSvg } from './report.js';
import { TraceTooLarge } from './search.js';
import { sampleSeries } from './series.js';
import { UsageError, defaultTargetsDir, loadTarget, writePoolSize, type Target } from './targets.js';
import { tune } from './tune.js';

export const USAGE = `usage: mcalloc tune --trace FILE [--target NAME] [--headroom 0.15] [--write] [--report FILE.html|.svg]
  --trace FILE     one operation per line: a ID SIZE | f ID | r ID SIZE
  --log            FILE is a device log (xsbug, serial console): ignore lines that are not trace lines
  --target NAME    compare with targets/NAME.json (its poolSize, strategy, alignment, debug)
  --headroom X     fraction added to the smallest pool for the recommendation (default 0.15)
  --write          set targets/NAME.json poolSize to the size for its own strategy (needs --target)
  --report FILE    write charts: .svg (an image) or .html (the image and the table)
  --targets DIR    where the targets are (default ./targets)
`;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

interface Args {
  trace?: string;
  target?: string;
  headroom: number;
  write: boolean;
  report?: string;
  log: boolean;
  targets?: string;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { headroom: 0.15, write: false, log: false, help: false };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === 'tune' && i === 0) continue; // `mcalloc tune ...` may pass its subcommand along
    if (flag === '--trace') a.trace = value(i++, flag);
    else if (flag === '--target') a.target = value(i++, flag);
    else if (flag === '--report') a.report = value(i++, flag);
    else if (flag === '--targets') a.targets = value(i++, flag);
    else if (flag === '--headroom') {
      a.headroom = Number(value(i++, flag));
      if (!Number.isFinite(a.headroom) || a.headroom < 0 || a.headroom > 10) throw new UsageError(`--headroom must be a number from 0 to 10 (got ${argv[i]})`);
    } else if (flag === '--write') a.write = true;
    else if (flag === '--log') a.log = true;
    else if (flag === '--help' || flag === '-h') a.help = true;
    else throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
  }
  if (a.help) return a;
  if (!a.trace) throw new UsageError('--trace FILE is required');
  if (a.write && !a.target) throw new UsageError('--write needs --target NAME');
  if (a.report && !/\.(svg|html?)$/i.test(a.report)) throw new UsageError(`--report must name a .svg or .html file (got ${a.report})`);
  return a;
}

function readTrace(file: string, lenient: boolean): TraceOp[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read trace ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const ops = parseTrace(text, { lenient });
  if (!ops.some((o) => o.op !== 'f')) throw new UsageError(`${file}: no allocations in the trace${lenient ? '' : ' (a device log? try --log)'}`);
  return ops;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.out(USAGE);
      return 0;
    }
    const ops = readTrace(args.trace!, args.log);
    const target: Target | undefined = args.target ? loadTarget(args.targets ?? defaultTargetsDir(), args.target) : undefined;
    const result = tune(ops, {
      headroom: args.headroom,
      alignment: target?.alignment,
      debug: target?.debug,
      current: target ? { poolSize: target.poolSize, strategy: target.strategy } : undefined,
    });
    const traceName = basename(args.trace!);
    const ctx = { traceName, target: target ? { name: target.name, poolSize: target.poolSize, strategy: target.strategy } : undefined };
    const text = formatResult(result, ctx);
    io.out(text);
    if (args.report) {
      const pool = result.recommended.poolSize;
      const series = result.results.map((r) => sampleSeries(ops, { strategy: r.strategy, poolSize: pool, alignment: target?.alignment, debug: target?.debug }));
      const input = { result, series, traceName, currentPool: target?.poolSize };
      try {
        writeFileSync(args.report, /\.svg$/i.test(args.report) ? reportSvg(input) : reportHtml(input, text));
      } catch (e) {
        throw new UsageError(`cannot write report ${args.report}: ${(e as Error).message}`);
      }
      io.out(`report: ${args.report}\n`);
    }
    if (args.write && target) {
      const own = result.results.find((r) => r.strategy === target.strategy)!;
      writePoolSize(target, own.withHeadroom);
      io.out(`wrote ${target.file}: poolSize ${target.poolSize} -> ${own.withHeadroom}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TraceError) {
      io.err(`mcalloc tune: ${argv[argv.indexOf('--trace') + 1]}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof TraceTooLarge) {
      io.err(`mcalloc tune: ${e.message}\n${e instanceof UsageError && /required|unknown argument|needs/.test(e.message) ? USAGE : ''}`);
      return 2;
    }
    throw e;
  }
}
