/**
 * Command-line options of `npm run sim` / `mcalloc sim`. Every mistake is a UsageError with a message
 * that names the option and what it accepts; the CLI prints it and exits with code 2.
 */
import type { LockName, StrategyName } from '../src/index.js';
import { DEFAULT_TARGET, targetNames } from './target.js';
import { DEFAULT_WORKLOAD, WORKLOADS } from './workloads.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface SimArgs {
  help: boolean;
  target: string;
  workload: string;
  seed: number;
  ops: number | undefined;
  /** Seconds of wall-clock time; 3 when neither ops nor duration is given. */
  duration: number | undefined;
  lock: LockName | undefined;
  strategy: StrategyName | undefined;
  record: string | undefined;
  json: boolean;
}

export const DEFAULT_DURATION = 3;
const LOCKS: readonly LockName[] = ['none', 'interrupt', 'atomics'];
const STRATEGIES: readonly StrategyName[] = ['first-fit', 'next-fit', 'best-fit', 'worst-fit', 'tlsf'];
const OPTIONS = ['--help', '--json', '--target', '--workload', '--seed', '--ops', '--duration', '--lock', '--strategy', '--record'];

export const USAGE = `usage: npm run sim -- [options]      (or: npx mcalloc sim [options])

Runs the allocator on a simulated device whose interrupt handlers allocate and free,
draws the heap map while it runs, and ends with a summary and a verdict.

  --target NAME      device configuration targets/NAME.json (default ${DEFAULT_TARGET}; have: ${targetNames().join(', ')})
  --workload NAME    ${WORKLOADS.map((w) => w.name).join(' | ')} (default ${DEFAULT_WORKLOAD})
${WORKLOADS.map((w) => `                       ${w.name}: ${w.description}`).join('\n')}
  --seed N           the run is reproduced exactly by its seed (default 1)
  --ops N            stop after N allocator operations
  --duration SECONDS stop after this much wall-clock time (default ${DEFAULT_DURATION} when --ops is not given)
  --lock NAME        override the target's lock: ${LOCKS.join(' | ')}
  --strategy NAME    override the target's strategy: ${STRATEGIES.join(' | ')}
  --record FILE      write the allocation trace (a ID SIZE / f ID / r ID SIZE) to FILE
  --json             print the summary as JSON (no heap map, no progress)
  --help             this text

Exit code: 0 when the pool ends intact, 1 when corruption or a deadlock was found, 2 for bad options.`;

function integer(name: string, text: string, min: number): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`${name} takes an integer of at least ${min} (got ${JSON.stringify(text)})`);
  }
  return Number(text);
}

function oneOf<T extends string>(name: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text)) {
    throw new UsageError(`${name} must be one of ${values.join(', ')} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}

export function parseSimArgs(argv: readonly string[]): SimArgs {
  const args: SimArgs = {
    help: false, target: DEFAULT_TARGET, workload: DEFAULT_WORKLOAD, seed: 1, ops: undefined, duration: undefined,
    lock: undefined, strategy: undefined, record: undefined, json: false,
  };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (options start with --)`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!OPTIONS.includes(name)) throw new UsageError(`unknown option ${name} (see --help)`);
    if (seen.has(name)) throw new UsageError(`${name} given twice`);
    seen.add(name);
    if (name === '--help' || name === '--json') {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      if (name === '--help') args.help = true;
      else args.json = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${name} needs a value`);
      value = argv[++i];
    }
    switch (name) {
      case '--target': args.target = value; break;
      case '--workload': args.workload = oneOf(name, value, WORKLOADS.map((w) => w.name)); break;
      case '--seed': args.seed = integer(name, value, 0); break;
      case '--ops': args.ops = integer(name, value, 1); break;
      case '--duration': {
        const d = Number(value);
        if (value.trim() === '' || !Number.isFinite(d) || d <= 0) throw new UsageError(`--duration takes a positive number of seconds (got ${JSON.stringify(value)})`);
        args.duration = d;
        break;
      }
      case '--lock': args.lock = oneOf(name, value, LOCKS); break;
      case '--strategy': args.strategy = oneOf(name, value, STRATEGIES); break;
      case '--record':
        if (value === '') throw new UsageError('--record needs a file name');
        args.record = value;
        break;
    }
  }
  if (args.seed > 0xffffffff) throw new UsageError(`--seed must be below 2^32 (got ${args.seed})`);
  if (args.ops === undefined && args.duration === undefined) args.duration = DEFAULT_DURATION;
  return args;
}
