/**
 * tune() with the strategies side by side in Worker threads, as many at once as the host has cores:
 * the CLI's path (a short trace stays in the calling thread: IN_THREAD_OPERATIONS). Each strategy is independent (its own replays of the same trace), so the results are
 * those of tune() in one thread, field for field; only the wall-clock time changes.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { StrategyName } from '../../src/index.js';
import type { TraceOp } from '../trace.js';
import { startWorker } from '../workers/spawn.js';
import type { BlockProfile } from './profile.js';
import { STRATEGIES, pack, type PackedTrace } from './replay.js';
import { TraceTooLarge } from './search.js';
import { combine, profileOf, tuneStrategy, type StrategyOptions, type StrategyResult, type TuneOptions, type TuneResult } from './tune.js';

export interface WorkerTask {
  ops: PackedTrace;
  strategy: StrategyName;
  profile: BlockProfile;
  options: StrategyOptions;
}

export type WorkerMessage =
  | { kind: 'progress'; what: string; start: boolean }
  | { kind: 'done'; result: StrategyResult }
  | { kind: 'error'; message: string; tooLarge: boolean; stack: string };

function spawn(task: WorkerTask): Worker {
  // From the sources (tsx) the entry is TypeScript; the compiled CLI (dist/cli) has tune-worker.js beside it.
  return import.meta.url.endsWith('.ts')
    ? startWorker(new URL('./worker.ts', import.meta.url), task)
    : new Worker(new URL('./tune-worker.js', import.meta.url), { workerData: { data: task } });
}

function runOne(task: WorkerTask, running: Set<Worker>, onProgress: (what: string, start: boolean) => void): Promise<StrategyResult> {
  return new Promise((resolve, reject) => {
    const worker = spawn(task);
    running.add(worker);
    let settled = false;
    const settle = (f: () => void) => {
      running.delete(worker);
      if (settled) return;
      settled = true;
      f();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') onProgress(m.what, m.start);
      else if (m.kind === 'done') settle(() => resolve(m.result));
      else settle(() => reject(m.tooLarge ? new TraceTooLarge(m.message) : Object.assign(new Error(m.message), { stack: m.stack })));
    });
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`tune: the ${task.strategy} worker exited with code ${code} before its result`))));
  });
}

/**
 * Traces up to this many operations are tuned in the calling thread: all five strategies' replays of
 * one take less time than starting the Worker threads would.
 */
export const IN_THREAD_OPERATIONS = 1000;

/**
 * Threads at once: one per core, at most one per strategy; 0 (a short trace): none, the strategies
 * run one after the other in this thread (`jobs` overrides, for measuring).
 */
export function defaultJobs(operations = Infinity): number {
  return operations <= IN_THREAD_OPERATIONS ? 0 : availableParallelism();
}

/**
 * The order the lanes take the strategies in: the longest first, so that the last one to start is a
 * short one and the threads finish together (longest-processing-time scheduling). Measured on the
 * README's 200,000-operation trace, one thread each: best-fit 1.9 s, worst-fit 1.5, first-fit 1.4,
 * tlsf 1.4, next-fit 1.0 (best-fit and worst-fit walk whole lists). A strategy missing here goes first.
 * One lane (the calling thread) keeps the registry's order.
 */
const LONGEST_FIRST: readonly string[] = ['best-fit', 'worst-fit', 'first-fit', 'tlsf', 'next-fit'];

export async function tuneInWorkers(ops: readonly TraceOp[], o: TuneOptions = {}, jobs = defaultJobs(ops.length)): Promise<TuneResult> {
  const profile = profileOf(ops, o.debug);
  const packed = pack(ops, true);
  const strategies = o.strategies ?? STRATEGIES;
  const options: StrategyOptions = { headroom: o.headroom, current: o.current, alignment: o.alignment, debug: o.debug, search: o.search && { ...o.search, onReplay: undefined } };
  // One line for all threads: how many are done, and what each running one is doing.
  const doing = new Map<StrategyName, string>();
  let done = 0;
  const report = (start: boolean) => o.onProgress?.(`${done}/${strategies.length} done; ${[...doing].map(([s, what]) => `${s}: ${what}`).join('; ')}`, start);
  const results: StrategyResult[] = new Array(strategies.length);
  const running = new Set<Worker>();
  const lanes = Math.max(1, Math.min(jobs, strategies.length));
  const order = strategies.map((_, i) => i);
  if (lanes > 1) order.sort((a, b) => LONGEST_FIRST.indexOf(strategies[a]) - LONGEST_FIRST.indexOf(strategies[b]));
  let next = 0;
  const lane = async () => {
    while (next < strategies.length) {
      const i = order[next++];
      const strategy = strategies[i];
      doing.set(strategy, 'starting');
      report(true);
      const step = (what: string, start = false) => {
        doing.set(strategy, what);
        report(start);
      };
      results[i] = jobs === 0 ? tuneStrategy(packed, strategy, profile, options, step) : await runOne({ ops: packed, strategy, profile, options }, running, step);
      doing.delete(strategy);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } catch (e) {
    // One strategy failed (a trace no pool can hold): the answer is an error, so the others' minutes are wasted.
    next = strategies.length;
    await Promise.all([...running].map((w) => w.terminate()));
    throw e;
  }
  return combine(profile, o.headroom ?? 0.15, results);
}
