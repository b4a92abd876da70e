/**
 * One simulation run: the device, the workload's firmware, the run loop and the final accounting.
 *
 * The loop runs main-loop steps (interrupts fire in between and, at the core's preemption points,
 * inside allocator calls) until the operation budget or the wall-clock duration is spent. It stops only
 * at the end of a step that did an operation, so a run that ended after N operations is repeated
 * exactly, step for step, by the budget `ops: N` (a step may do several operations: `ops: 100` can
 * end at 101). check() runs
 * every `checkEvery` operations and after every operation an interrupt preempted; any problem (check(),
 * a stamp, an allocator error, a deadlock) ends the run. A clean run then drains: the sources are
 * silenced, every live block's stamp is verified and the block freed, and the pool must be one free
 * block again.
 */
import type { Allocator, LockName } from '../src/index.js';
import { Detected, Device, type DetectionKind } from './device.js';
import { EventQueue, modelForLock, type EventStats, type SimModel } from './events.js';
import type { InterruptCounts, SourceStats } from './irq.js';
import { probeSpanWords, type SpanWords } from './span-probe.js';
import type { Target } from './target.js';
import type { TraceOp } from './trace.js';
import { Firmware, type Workload } from './workloads.js';

export interface SimOptions {
  target: Target;
  workload: Workload;
  seed: number;
  /** Overrides the target's lock. */
  lock?: LockName;
  /**
   * 'events' (interrupts post messages, handlers run from the main loop: events.ts) or 'interrupts'
   * (handlers run inside the interrupt, preempting at the core's preemption points). Default: the model
   * the target's own lock is for (modelForLock); 'workers' runs in workers-model.ts, not here.
   */
  model?: SimModel;
  /** Stop at the end of the main-loop step in which this many allocator operations are reached... */
  ops?: number;
  /** ...or at the end of the first step with an operation after this many milliseconds of wall-clock time. */
  durationMs?: number;
  /** Operations between two check() calls (default 1024). */
  checkEvery?: number;
  /** Operations between two masked-span probes (span-probe.ts; default 8192, 0: none). */
  probeEvery?: number;
  record?: (op: TraceOp) => void;
  /** Called about every progressEveryMs (default 100) with the run so far. */
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  /** Called once with the pool as the workload left it, before the drain frees everything. */
  beforeDrain?: (heap: Allocator) => void;
}

export interface Progress {
  operations: number;
  interrupts: number;
  failedAllocations: number;
  elapsedMs: number;
  heap: Allocator;
}

/** Masked spans of one kind of call: the interrupt latency it imposes. */
export interface MaskedSpan {
  /** Longest, in allocator steps (preemption points passed while masked; deterministic). */
  steps: number;
  /** Wall clock on this host, median, 99th percentile and maximum (the tail is mostly GC pauses). */
  p50Microseconds: number;
  p99Microseconds: number;
  maxMicroseconds: number;
  count: number;
}

export type Verdict = 'pass' | 'corrupted' | 'deadlock';

export interface SimResult {
  target: string;
  strategy: string;
  lock: LockName;
  poolSize: number;
  workload: string;
  model: SimModel;
  seed: number;
  /** Allocator calls of the run (the drain not included): `ops: operations` repeats the run exactly. */
  operations: number;
  allocations: number;
  frees: number;
  reallocations: number;
  /** Live blocks verified and freed by the drain after a clean run (null when a problem ended it). */
  drained: number | null;
  failedAllocations: number;
  /** Preemption points passed (allocator steps) and virtual ticks elapsed. */
  steps: number;
  ticks: number;
  interrupts: InterruptCounts & { sources: SourceStats[] };
  /** The event model's message queue (null in the other models). */
  events: EventStats | null;
  /** The workers model: one entry per Worker (null in the other models). */
  workers: WorkerStats[] | null;
  peakUsedBytes: number;
  /** Fragmentation at the end of the run (before the drain) and the highest seen at a check. */
  fragmentation: number;
  peakFragmentation: number;
  maskedSpans: {
    count: number;
    /** The most pool words one allocate / one free touched, probed on the pool at every check. */
    words: SpanWords;
    /** Longest span of allocate/free/reallocate calls. */
    longest: MaskedSpan;
    byOperation: Record<string, MaskedSpan>;
  };
  checks: number;
  /** Blocks whose stamp was verified at free (every free, and the drain). */
  verifiedBlocks: number;
  /** After the drain: used blocks left and free blocks (1 when the pool is whole again). */
  leftUsedBlocks: number | null;
  leftFreeBlocks: number | null;
  problem: null | {
    kind: DetectionKind;
    message: string;
    code?: string;
    /** Operations done when the problem was found. */
    afterOperations: number;
    /** What check() says about the pool after the problem ('' when it passes). */
    check: string;
  };
  verdict: Verdict;
  elapsedMs: number;
}

export interface WorkerStats {
  id: number;
  operations: number;
  failedAllocations: number;
  /** Wall-clock time of its operations, start-up excluded. */
  elapsedMs: number;
}

export interface SimRun {
  result: SimResult;
  /** The pool as the run left it (after the drain, or at the problem). */
  heap: Allocator;
}

const HOT_OPS = ['allocate', 'free', 'reallocate'];

export function simulate(options: SimOptions): SimRun {
  const { target, workload, seed } = options;
  const lock = options.lock ?? target.lock;
  const maxOps = options.ops ?? Infinity;
  const durationMs = options.durationMs ?? Infinity;
  if (maxOps === Infinity && durationMs === Infinity) throw new Error('simulate: give ops or durationMs');
  const checkEvery = options.checkEvery ?? 1024;
  const probeEvery = options.probeEvery ?? 8192;
  let nextProbe = probeEvery === 0 ? Infinity : 0;
  const progressEvery = options.progressEveryMs ?? 100;

  const model = options.model ?? modelForLock(target.lock);
  if (model === 'workers') throw new Error('simulate: the workers model runs in simulateWorkers() (workers-model.ts)');
  let firmware: Firmware | undefined;
  let events: EventQueue | null = null;
  const device = new Device({
    target, lock, seed, record: options.record,
    sources: (d) => {
      const specs = (firmware = new Firmware(d, workload.params)).sources();
      if (model === 'interrupts') return specs;
      events = new EventQueue(d.clock);
      return events.wrap(specs);
    },
  });
  const queue = events as EventQueue | null;
  const fw = firmware!;
  const heap = device.heap;
  const started = performance.now();
  let checks = 0;
  let peakFragmentation = 0;
  let fragmentation = 0;
  let peakUsedBytes = 0;
  let left: { used: number; free: number } | null = null;
  let drained: number | null = null;
  let counts: { operations: number; allocations: number; frees: number; reallocations: number } | undefined;
  const count = () => {
    counts = { operations: device.operations, allocations: device.allocations, frees: device.frees, reallocations: device.reallocations };
  };
  const words: SpanWords = { allocate: 0, free: 0 };
  const probeSizes = [16, 64, 256, 1024, 4096, 0];
  let problem: SimResult['problem'] = null;

  const check = (sample = true) => {
    device.irq.label = 'check';
    device.check();
    checks++;
    if (!sample) return;
    device.irq.label = 'stats';
    const s = heap.stats();
    fragmentation = s.fragmentation;
    if (s.fragmentation > peakFragmentation) peakFragmentation = s.fragmentation;
    peakUsedBytes = s.peakUsedBytes;
    if (device.operations < nextProbe) return;
    nextProbe = device.operations + probeEvery;
    probeSizes[probeSizes.length - 1] = s.largestFreeBlock + 1;
    // The probe runs the core on a copy: unhook it, or the copy's steps would count (and deliver interrupts).
    device.stop();
    const w = probeSpanWords(heap.buffer, heap.strategy, target.debug, probeSizes);
    device.start();
    if (w.allocate > words.allocate) words.allocate = w.allocate;
    if (w.free > words.free) words.free = w.free;
  };

  device.start();
  try {
    let nextCheck = checkEvery;
    let nextClockRead = 0;
    let nextProgress = started + progressEvery;
    let timeUp = false;
    for (let i = 0; device.operations < maxOps; i++) {
      const before = device.operations;
      queue?.dispatch();
      fw.step();
      if (device.preemptedSinceCheck || device.operations >= nextCheck) {
        check();
        nextCheck = device.operations + checkEvery;
      }
      if (timeUp && device.operations > before) break;
      if (i >= nextClockRead) {
        nextClockRead = i + 256;
        const now = performance.now();
        if (now - started >= durationMs) timeUp = true;
        if (options.onProgress && now >= nextProgress) {
          nextProgress = now + progressEvery;
          options.onProgress({ operations: device.operations, interrupts: delivered(device), failedAllocations: device.failedAllocations, elapsedMs: now - started, heap });
        }
      }
    }
    count();
    check();
    options.beforeDrain?.(heap);
    device.irq.silence();
    queue?.dispatch(); // messages posted before the silence still run, as queued callbacks would
    const live = fw.live();
    fw.forget();
    for (const block of live) device.free(block);
    drained = live.length;
    check(false);
    const s = heap.stats();
    left = { used: s.usedBlocks, free: s.freeBlocks };
  } catch (e) {
    if (!(e instanceof Detected)) throw e;
    if (counts === undefined) count();
    // A deadlock stops the interrupted call half-way: what check() says then is about the simulation, not the allocator.
    const after = e.kind === 'deadlock' ? 'not run: the interrupted allocator call never finished' : checkMessage(heap);
    problem = { kind: e.kind, message: e.message, afterOperations: device.operations, check: after };
    if (e.code !== undefined) problem.code = e.code;
  } finally {
    device.stop();
  }

  const sources = device.irq.stats();
  const sum = (k: keyof InterruptCounts) => sources.reduce((n, s) => n + s[k], 0);
  const byOperation: Record<string, MaskedSpan> = {};
  const longest: MaskedSpan = { steps: 0, p50Microseconds: 0, p99Microseconds: 0, maxMicroseconds: 0, count: 0 };
  for (const [label, span] of device.irq.spans) {
    const s: MaskedSpan = {
      steps: span.ticks, p50Microseconds: round(span.wall.quantile(0.5) / 1000, 2), p99Microseconds: round(span.wall.quantile(0.99) / 1000, 2),
      maxMicroseconds: round(span.wall.max / 1000, 2), count: span.wall.count,
    };
    byOperation[label] = s;
    if (HOT_OPS.includes(label)) {
      longest.steps = Math.max(longest.steps, s.steps);
      longest.p50Microseconds = Math.max(longest.p50Microseconds, s.p50Microseconds);
      longest.p99Microseconds = Math.max(longest.p99Microseconds, s.p99Microseconds);
      longest.maxMicroseconds = Math.max(longest.maxMicroseconds, s.maxMicroseconds);
      longest.count += s.count;
    }
  }
  return {
    heap,
    result: {
      target: target.name, strategy: heap.strategy, lock, poolSize: heap.poolSize, workload: workload.name, model, seed,
      ...counts!, drained,
      failedAllocations: device.failedAllocations, steps: device.steps, ticks: device.clock.now,
      interrupts: {
        raised: sum('raised'), delivered: sum('delivered'), overruns: sum('overruns'), deferred: sum('deferred'),
        nested: sum('nested'), preempting: sum('preempting'), sources,
      },
      events: queue === null ? null : { ...queue.stats },
      workers: null,
      peakUsedBytes, fragmentation: round(fragmentation, 4), peakFragmentation: round(peakFragmentation, 4),
      maskedSpans: { count: device.irq.spanCount, words, longest, byOperation },
      checks, verifiedBlocks: device.frees,
      leftUsedBlocks: left?.used ?? null, leftFreeBlocks: left?.free ?? null,
      problem,
      verdict: problem === null ? 'pass' : problem.kind === 'deadlock' ? 'deadlock' : 'corrupted',
      elapsedMs: Math.round(performance.now() - started),
    },
  };
}

function delivered(device: Device): number {
  let n = 0;
  for (const s of device.irq.sources) n += s.delivered;
  return n;
}

function checkMessage(heap: Allocator): string {
  try {
    heap.check();
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
