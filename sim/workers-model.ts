/**
 * The workers model: how the esp32-workers target runs. Moddable Workers are separate VMs on their own
 * FreeRTOS tasks (maybe on the other core) that share a SharedArrayBuffer; here they are worker_threads,
 * each attached to one pool in a SharedArrayBuffer with the target's lock ('atomics'; 'none' is the
 * control that shows what the lock prevents). Each Worker allocates and frees at random, stamps every
 * word of its blocks and checks them at free (workers/stamper.ts); the main thread runs check() under
 * the lock while they work, and at the end the pool must be one free block again.
 *
 * The per-Worker sequences follow the seed; the interleaving of the threads is the operating system's,
 * so two runs with one seed do the same work in a different order.
 */
import { createAllocator } from '../src/index.js';
import type { SimOptions, SimResult, SimRun, WorkerStats } from './simulate.js';
import { Worker } from 'node:worker_threads';
import { result, startWorker } from './workers/spawn.js';
import type { StamperReport, StamperTask } from './workers/stamper.js';

/** Three Workers, as in sim/traces/device-workloads.ts's esp32-workers app. */
export const WORKERS = 3;
/** The main thread checks the pool (and samples it for the map and the stats) this often while Workers run. */
const CHECK_EVERY_MS = 10;

export async function simulateWorkers(options: Omit<SimOptions, 'record' | 'probeEvery' | 'checkEvery'>): Promise<SimRun> {
  const { target, workload, seed } = options;
  const lock = options.lock ?? target.lock;
  if (lock !== 'atomics' && lock !== 'none') throw new Error(`the workers model needs lock atomics (or none, to watch it fail), not ${lock}`);
  const maxOps = options.ops ?? Infinity;
  const durationMs = options.durationMs;
  if (maxOps === Infinity && durationMs === undefined) throw new Error('simulateWorkers: give ops or durationMs');
  const buffer = new SharedArrayBuffer(target.poolSize);
  const heap = createAllocator({ buffer, lock, strategy: target.strategy, alignment: target.alignment, debug: target.debug });
  const gate = new SharedArrayBuffer(4);
  const progress = new SharedArrayBuffer(4 * WORKERS);
  const counts = new Int32Array(progress);
  const started = performance.now();
  const perWorker = maxOps === Infinity ? 0x7fffffff : Math.ceil(maxOps / WORKERS);
  const threads = Array.from({ length: WORKERS }, (_, i) => {
    const task: StamperTask = {
      buffer, gate, progress, workers: WORKERS, id: i + 1, ops: perWorker, seed: seed * 1000 + i,
      maxLive: 64, maxSize: 512, lock, durationMs,
    };
    // From the sources (tsx) the entry is TypeScript; the compiled CLI (dist/cli) has stamper.js beside it.
    return import.meta.url.endsWith('.ts')
      ? startWorker(new URL('./workers/stamper.ts', import.meta.url), task)
      : new Worker(new URL('./stamper.js', import.meta.url), { workerData: { data: task } });
  });

  let checks = 0;
  let fragmentation = 0;
  let peakFragmentation = 0;
  let nextProgress = started + (options.progressEveryMs ?? 100);
  let problem: SimResult['problem'] = null;
  const operations = () => counts.reduce((a, b) => a + b, 0);
  // check() and the heap map take the lock like any Worker: they see the pool between two calls.
  const watch = setInterval(() => {
    if (problem !== null) return;
    try {
      heap.check();
      checks++;
    } catch (e) {
      problem = { kind: 'check', message: (e as Error).message, afterOperations: operations(), check: (e as Error).message };
      if ('code' in (e as object)) problem.code = (e as { code: string }).code;
      return;
    }
    fragmentation = heap.stats().fragmentation;
    if (fragmentation > peakFragmentation) peakFragmentation = fragmentation;
    options.beforeDrain?.(heap);
    const now = performance.now();
    if (options.onProgress && now >= nextProgress) {
      nextProgress = now + (options.progressEveryMs ?? 100);
      options.onProgress({ operations: operations(), interrupts: 0, failedAllocations: 0, elapsedMs: now - started, heap });
    }
  }, CHECK_EVERY_MS);

  let reports: StamperReport[];
  try {
    reports = await Promise.all(threads.map((w) => result<StamperReport>(w)));
  } finally {
    clearInterval(watch);
    await Promise.all(threads.map((w) => w.terminate()));
  }

  const damaged = reports.flatMap((r) => r.damaged);
  const stopped = reports.find((r) => r.error !== '');
  // Like the other models, operations do not count the drain (each Worker freeing what it still holds).
  const drained = reports.reduce((n, r) => n + r.drained, 0);
  const total = reports.reduce((n, r) => n + r.operations, 0) - drained;
  let left: string = '';
  try {
    heap.check();
    checks++;
  } catch (e) {
    left = (e as Error).message;
  }
  if (problem === null && damaged.length > 0) {
    problem = { kind: 'stamp', message: `${reports.reduce((n, r) => n + r.damagedCount, 0)} damaged blocks, first: ${damaged[0]}`, afterOperations: total, check: left };
  } else if (problem === null && stopped !== undefined) {
    problem = { kind: 'allocator-error', message: `worker ${stopped.id}: ${stopped.error}`, afterOperations: total, check: left };
  } else if (problem === null && left !== '') {
    problem = { kind: 'check', message: left, afterOperations: total, check: left };
  }
  // stats() trusts the free structure, which a corrupted pool may have looped: only after check() passed.
  const s = left === '' ? heap.stats() : null;
  if (problem === null && s !== null && (s.usedBlocks !== 0 || s.freeBlocks !== 1)) {
    problem = { kind: 'check', message: `after every Worker freed its blocks: ${s.usedBlocks} used blocks, ${s.freeBlocks} free blocks (expected 0 and 1)`, afterOperations: total, check: '' };
  }
  const workers: WorkerStats[] = reports.map((r) => ({ id: r.id, operations: r.operations, failedAllocations: r.failed, elapsedMs: r.elapsedMs }));
  const none = { raised: 0, delivered: 0, overruns: 0, deferred: 0, nested: 0, preempting: 0 };
  const span = { steps: 0, p50Microseconds: 0, p99Microseconds: 0, maxMicroseconds: 0, count: 0 };
  return {
    heap,
    result: {
      target: target.name, strategy: heap.strategy, lock, poolSize: heap.poolSize, workload: workload.name, model: 'workers', seed,
      operations: total, allocations: reports.reduce((n, r) => n + r.allocations, 0), frees: reports.reduce((n, r) => n + r.frees, 0) - drained,
      drained: problem === null ? drained : null,
      reallocations: 0, failedAllocations: reports.reduce((n, r) => n + r.failed, 0), steps: 0, ticks: 0,
      interrupts: { ...none, sources: [] }, events: null, workers,
      peakUsedBytes: s?.peakUsedBytes ?? 0, fragmentation: round(fragmentation), peakFragmentation: round(peakFragmentation),
      maskedSpans: { count: 0, words: { allocate: 0, free: 0 }, longest: span, byOperation: {} },
      checks, verifiedBlocks: reports.reduce((n, r) => n + r.frees, 0),
      leftUsedBlocks: s?.usedBlocks ?? null, leftFreeBlocks: s?.freeBlocks ?? null,
      problem,
      verdict: problem === null ? 'pass' : 'corrupted',
      elapsedMs: Math.round(performance.now() - started),
    },
  };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
