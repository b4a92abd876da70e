/**
 * Command-line options of `mcalloc sim` / `npm run sim`. Every mistake is a UsageError with a message
 * that names the option and what it accepts; the CLI prints it on one line and exits with code 2.
 */
import type { LockName, StrategyName } from '../src/index.js';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';
import { SIM_MODELS, type SimModel } from './events.js';
import { parseOptions, UsageError } from './options.js';
import { DEFAULT_TARGET } from './target.js';
import { DEFAULT_WORKLOAD, WORKLOADS } from './workloads.js';

export { UsageError };

export interface SimArgs {
  help: boolean;
  version: boolean;
  target: string;
  /** --targets DIR: the user's targets directory instead of ./targets. */
  targets: string | undefined;
  workload: string;
  seed: number;
  /** Operations to run; the default when --duration is not given. */
  ops: number | undefined;
  /** Seconds of wall-clock time instead of a number of operations (what it does then depends on the host). */
  duration: number | undefined;
  lock: LockName | undefined;
  /** Undefined: the model the target's lock is for. */
  model: SimModel | undefined;
  strategy: StrategyName | undefined;
  record: string | undefined;
  json: boolean;
  quiet: boolean;
}

/** A run of the default length takes one to three seconds on a laptop and does the same on every host. */
export const DEFAULT_OPS = 1_000_000;
/** About an hour of simulation: a larger count is a typo, and would run until killed. */
export const MAX_OPS = 1_000_000_000;
const LOCKS: readonly LockName[] = ['none', 'interrupt', 'atomics'];
const STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES;
const SPEC = {
  help: { type: 'boolean' }, version: { type: 'boolean' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
  target: { type: 'string' }, targets: { type: 'string' }, workload: { type: 'string' }, seed: { type: 'string' }, ops: { type: 'string' },
  duration: { type: 'string' }, lock: { type: 'string' }, model: { type: 'string' }, strategy: { type: 'string' }, record: { type: 'string' },
} as const;

export const USAGE = `usage: mcalloc sim [options]          (in a clone of mcalloc: npm run sim -- [options])

Runs the allocator on a simulated device whose interrupt handlers, event loop or Workers allocate
and free, and ends with the heap map, a summary and a verdict. A run depends only on its options
(the workers model aside): the reproduce line at the end repeats it exactly.

  --target NAME       device configuration: NAME.json in ./targets, else mcalloc's own
                      (default ${DEFAULT_TARGET}; mcalloc targets lists them)
  --targets DIR       your targets directory instead of ./targets (it must exist)
  --workload NAME     ${WORKLOADS.map((w) => w.name).join(' | ')} (default ${DEFAULT_WORKLOAD})
${WORKLOADS.map((w) => `                        ${w.name}: ${w.description}`).join('\n')}
  --seed N            seed of the workload and the interrupts (default 1)
  --ops N             allocator operations to run (default ${DEFAULT_OPS.toLocaleString('en-US')}, at most ${MAX_OPS.toLocaleString('en-US')}); the run stops at the end
                      of the main-loop step in which the N-th operation happens
  --duration SECONDS  run for this long instead (wall-clock: the count depends on the host;
                      the reproduce line then gives the --ops that repeats the run)
  --lock NAME         override the target's lock: ${LOCKS.join(' | ')}
  --model NAME        ${SIM_MODELS.join(' | ')} (default: the one the target's lock is for: none -> events,
                      interrupt -> interrupts, atomics -> workers)
                        events: interrupts post messages, handlers run from the main loop (Moddable)
                        interrupts: handlers allocate inside the interrupt, preempting allocator calls
                        workers: Worker threads share the pool (a SharedArrayBuffer); the
                        interleaving of the threads is not repeated by the seed
  --strategy NAME     override the target's strategy: ${STRATEGIES.join(' | ')}
  --record FILE       write the allocation trace (a ID SIZE / f ID / r ID SIZE) for mcalloc tune
  --json              print the result as one JSON document (no heap map)
  --quiet             no progress on stderr (there is none either when stderr is not a terminal)
  --version           the version of mcalloc
  --help              this text

Options take their value as --ops 5000 or --ops=5000.
Exit code: 0 when the pool ends intact, 1 when corruption or a deadlock was found, 2 for bad options.`;

const HINT = 'mcalloc sim --help';

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes an integer from ${min} to ${max.toLocaleString('en-US')} (got ${JSON.stringify(text)})`);
  }
  return n;
}

function oneOf<T extends string>(name: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${values.join(', ')} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}

export function parseSimArgs(argv: readonly string[]): SimArgs {
  const o = parseOptions(argv, SPEC, HINT);
  if (o.ops !== undefined && o.duration !== undefined) throw new UsageError('give --ops or --duration, not both');
  let duration: number | undefined;
  if (o.duration !== undefined) {
    duration = Number(o.duration);
    if (o.duration.trim() === '' || !Number.isFinite(duration) || duration <= 0 || duration > 86400) {
      throw new UsageError(`--duration takes a positive number of seconds, at most 86400 (got ${JSON.stringify(o.duration)})`);
    }
  }
  if (o.record === '') throw new UsageError('--record needs a file name');
  return {
    help: o.help === true,
    version: o.version === true,
    target: o.target ?? DEFAULT_TARGET,
    targets: o.targets,
    workload: o.workload === undefined ? DEFAULT_WORKLOAD : oneOf('workload', o.workload, WORKLOADS.map((w) => w.name)),
    seed: o.seed === undefined ? 1 : integer('seed', o.seed, 0, 0xffffffff),
    ops: o.ops !== undefined ? integer('ops', o.ops, 1, MAX_OPS) : duration === undefined ? DEFAULT_OPS : undefined,
    duration,
    lock: o.lock === undefined ? undefined : oneOf('lock', o.lock, LOCKS),
    model: o.model === undefined ? undefined : oneOf('model', o.model, SIM_MODELS),
    strategy: o.strategy === undefined ? undefined : oneOf('strategy', o.strategy, STRATEGIES),
    record: o.record,
    json: o.json === true,
    quiet: o.quiet === true,
  };
}
