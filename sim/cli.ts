/**
 * `mcalloc sim` / `npm run sim`: runs one simulation and shows it. While it runs, a progress line and
 * the heap map are redrawn in place on stderr when stderr is a terminal (not with --quiet); stdout gets
 * the final map and the summary, or with --json only the result object.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Allocator } from '../src/index.js';
import { parseSimArgs, USAGE, UsageError } from './args.js';
import { modelForLock } from './events.js';
import { VERSION } from './package.js';
import { heapMap, heapMapLegend } from './heapmap.js';
import { simulate, type Progress, type SimResult, type SimRun } from './simulate.js';
import { loadTarget, type Target } from './target.js';
import { formatOp, type TraceOp } from './trace.js';
import { findWorkload } from './workloads.js';
import { simulateWorkers, WORKERS } from './workers-model.js';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Output;
  stderr: Output;
}

const defaultIo: Io = { stdout: process.stdout, stderr: process.stderr };

/** Runs the CLI; returns the exit code (0 pass, 1 problem found, 2 bad options). */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let args;
  let target: Target & { yours?: boolean };
  try {
    args = parseSimArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.version) {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    target = loadTarget(args.target, args.targets);
    const lock = args.lock ?? target.lock;
    if ((args.model ?? modelForLock(target.lock)) === 'workers') {
      if (lock !== 'atomics' && lock !== 'none') throw new UsageError(`the workers model shares the pool between threads: --lock atomics (or none, to watch it fail), not ${lock}`);
      if (args.record !== undefined) throw new UsageError('--record is not available with the workers model (several threads, one trace)');
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`mcalloc sim: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.strategy !== undefined) target = { ...target, strategy: args.strategy };
  const workload = findWorkload(args.workload)!;
  const lock = args.lock ?? target.lock;
  const model = args.model ?? modelForLock(target.lock);

  let trace: TraceWriter | undefined;
  if (args.record !== undefined) {
    try {
      trace = new TraceWriter(args.record);
    } catch (e) {
      io.stderr.write(`mcalloc sim: --record: cannot write ${args.record}: ${(e as Error).message}\n`);
      return 2;
    }
    trace.line(`# mcalloc sim: target ${target.name}, ${target.strategy}, lock ${lock}, workload ${workload.name}, seed ${args.seed}`);
  }

  const live = io.stderr.isTTY === true && !args.quiet;
  const screen = new Screen(io.stderr);
  const what = model === 'workers' ? `${WORKERS} Workers on one shared pool` : `workload ${workload.name}`;
  // A target of the user's (a tuned copy, say) is named with its file: which pool ran must be plain.
  const from = target.yours === true ? ` from ${target.file}` : '';
  if (!args.json) io.stdout.write(`mcalloc sim: target ${target.name}${from} (${target.strategy}, lock ${lock}, ${kib(target.poolSize)} pool), ${model} model, ${what}, seed ${args.seed}\n`);
  let finalMap: string[] = [];
  let run: SimRun;
  try {
    const common = {
      target, workload, seed: args.seed, lock, ops: args.ops, durationMs: args.duration === undefined ? undefined : args.duration * 1000,
      progressEveryMs: 100,
      onProgress: live ? (p: Progress) => screen.draw([progressLine(p), ...(args.json ? [] : [...heapMap(p.heap), heapMapLegend(p.heap)])]) : undefined,
      beforeDrain: (heap: Allocator) => {
        finalMap = [...heapMap(heap), heapMapLegend(heap)];
      },
    };
    run = model === 'workers'
      ? await simulateWorkers(common)
      : simulate({ ...common, model, record: trace === undefined ? undefined : (op: TraceOp) => trace!.line(formatOp(op)) });
  } finally {
    trace?.close();
    screen.clear();
  }
  const result = run.result;
  // A run that found a problem never reached the drain: draw the pool as the problem left it.
  if (finalMap.length === 0) finalMap = [...heapMap(run.heap), heapMapLegend(run.heap)];
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ...result, reproduce: reproduce(result, args.ops, args.targets), heapMap: finalMap }, null, 2)}\n`);
  } else {
    io.stdout.write(`${progressLine({ operations: result.operations, interrupts: result.interrupts.delivered, failedAllocations: result.failedAllocations, elapsedMs: result.elapsedMs, heap: null })}\n`);
    io.stdout.write(`${finalMap.join('\n')}\n`);
    io.stdout.write(summary(result, args.record, args.ops, args.targets));
  }
  return result.verdict === 'pass' ? 0 : 1;
}

/** Redraws lines in place on a terminal (stderr), and erases them when the run is over. */
class Screen {
  private drawn = 0;
  constructor(private readonly out: Output) {}

  draw(lines: string[]): void {
    // Cursor to the first line drawn last time, then rewrite every line (clearing its old contents).
    this.out.write(`${this.up()}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    this.drawn = lines.length;
  }

  clear(): void {
    if (this.drawn > 0) this.out.write(`${this.up()}\x1b[0J`);
    this.drawn = 0;
  }

  private up(): string {
    return this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
  }
}

function progressLine(p: Progress | (Omit<Progress, 'heap'> & { heap: null })): string {
  let use = '';
  if (p.heap !== null) {
    const s = p.heap.stats();
    use = `   used ${kib(s.usedBytes)} (peak ${kib(s.peakUsedBytes)})   fragmentation ${s.fragmentation.toFixed(2)}`;
  }
  return `ops ${n(p.operations)}   interrupts ${n(p.interrupts)}   failed ${n(p.failedAllocations)}${use}   ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

export function summary(r: SimResult, record?: string, ops?: number, targets?: string): string {
  const i = r.interrupts;
  const ms = r.maskedSpans;
  const hot = ['allocate', 'free', 'reallocate'].filter((k) => ms.byOperation[k] !== undefined);
  const rows: [string, string][] = [
    ['operations', `${n(r.operations)} (allocate ${n(r.allocations)}, free ${n(r.frees)}, reallocate ${n(r.reallocations)})${r.workers === null ? ` in ${n(r.ticks)} ticks` : ''}`],
  ];
  if (r.workers === null) {
    rows.push(['interrupts', `${n(i.delivered)} delivered: ${n(i.deferred)} held back by the lock, ${n(i.nested)} nested, ${n(i.preempting)} inside an allocator call; ${n(i.overruns)} lost to overruns`]);
    rows.push(...i.sources.map((s): [string, string] => [`  ${s.name} (priority ${s.priority})`, `${n(s.delivered)} delivered, ${n(s.raised)} raised`]));
  }
  if (r.events !== null) {
    const e = r.events;
    rows.push(['event queue', `${n(e.posted)} messages posted by interrupts, ${n(e.dispatched)} run from the main loop, ${n(e.dropped)} dropped (queue full); deepest ${e.deepest}, longest wait ${n(e.longestWait)} ticks`]);
  }
  if (r.workers !== null) {
    rows.push(['workers', r.workers.map((w) => `#${w.id} ${n(w.operations)} ops in ${n(w.elapsedMs)} ms`).join(', ')]);
  }
  rows.push(['failed allocations', n(r.failedAllocations)]);
  if (r.checks === 0) rows.push(['peak use', 'n/a (the run ended before the first check)']);
  else {
    rows.push(['peak use', `${n(r.peakUsedBytes)} of ${n(r.poolSize)} bytes (${((100 * r.peakUsedBytes) / r.poolSize).toFixed(1)}%)`]);
    rows.push(['fragmentation', `${r.fragmentation.toFixed(2)} at the end, ${r.peakFragmentation.toFixed(2)} at worst`]);
  }
  if (r.lock === 'interrupt') {
    rows.push(['longest masked span', `allocate ${ms.words.allocate} words, free ${ms.words.free} words of the pool touched (probed); ${ms.longest.steps} allocator steps`]);
    rows.push(['  on this host', hot.map((k) => `${k} median ${ms.byOperation[k].p50Microseconds} µs, p99 ${ms.byOperation[k].p99Microseconds} µs`).join('; ')]);
    if (ms.byOperation.check) rows.push(['  check()', `${ms.byOperation.check.p50Microseconds} µs median (a full walk: not for interrupt-sensitive code)`]);
  } else {
    rows.push(['masked span', `none: lock '${r.lock}' does not mask interrupts`]);
  }
  rows.push(['model', MODEL_TEXT[r.model]]);
  rows.push(['checks', `${n(r.checks)} check() calls, ${n(r.verifiedBlocks)} block stamps verified`]);
  if (r.drained !== null && r.leftFreeBlocks !== null) {
    rows.push(['drain', `${n(r.drained)} live blocks verified and freed; then ${n(r.leftUsedBlocks!)} used blocks, ${n(r.leftFreeBlocks)} free`]);
  }
  if (r.problem !== null) {
    rows.push(['found', `${r.problem.kind} after ${n(r.problem.afterOperations)} operations: ${r.problem.message}`]);
    rows.push(['check() now says', r.problem.check || 'the pool passes check()']);
  }
  const verdict = r.verdict === 'pass'
    ? 'PASS: no corruption, every block intact'
    : r.verdict === 'deadlock' ? 'DEADLOCK: an interrupt handler would wait forever for the lock'
      : `CORRUPTED: the pool was damaged (run with --lock ${r.model === 'workers' ? 'atomics' : 'interrupt'})`;
  rows.push(['verdict', verdict]);
  if (record !== undefined) rows.push(['trace', record]);
  rows.push([r.model === 'workers' ? 'run again' : 'reproduce', reproduce(r, ops, targets)]);
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return `${rows.map(([k, v]) => `${k.padEnd(w)}${v}`).join('\n')}\n`;
}

/** The command that repeats this run step for step: every choice spelled out, the operation budget included. */
export function reproduce(r: SimResult, ops?: number, targets?: string): string {
  const workload = r.model === 'workers' ? '' : ` --workload ${r.workload}`;
  const dir = targets === undefined ? '' : ` --targets ${targets}`;
  return `npx mcalloc sim --target ${r.target}${dir} --model ${r.model}${workload} --strategy ${r.strategy} --lock ${r.lock} --seed ${r.seed} --ops ${ops ?? r.operations}`;
}

const MODEL_TEXT = {
  events: 'events: interrupts only post messages; handlers run from the main loop, to completion (Moddable)',
  interrupts: 'interrupts: handlers allocate inside the interrupt, preempting allocator calls',
  workers: "workers: Worker threads share the pool; the interleaving is the OS scheduler's, not the seed's",
} as const;

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Buffered synchronous writes: a trace can have millions of lines. */
class TraceWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }

  line(text: string): void {
    this.buffer.push(text);
    if ((this.size += text.length) > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
