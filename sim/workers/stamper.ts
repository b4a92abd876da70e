/**
 * One Worker of the shared-pool test: attaches to the pool in a SharedArrayBuffer (lock 'atomics'),
 * allocates and frees at random, fills each block with its stamp (worker id and sequence number) and
 * checks the stamp at free. Reports its counts and every damaged block it found.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAllocator } from '../../src/index.js';
import { createRandom } from '../prng.js';

export interface StamperTask {
  buffer: SharedArrayBuffer;
  /** One Int32 counting arrived workers: all start together, so they really contend for the lock. */
  gate: SharedArrayBuffer;
  workers: number;
  id: number;
  ops: number;
  seed: number;
  /** Most blocks this worker holds at once, and the largest request. */
  maxLive: number;
  maxSize: number;
  /** 'atomics'; 'none' shows what the lock prevents. */
  lock: 'atomics' | 'none';
  /** Optional: stop after this much wall-clock time too (the simulator's --duration). */
  durationMs?: number;
  /** Optional: one Int32 per worker (index id - 1) where it publishes its operation count as it goes. */
  progress?: SharedArrayBuffer;
}

export interface StamperReport {
  id: number;
  operations: number;
  allocations: number;
  frees: number;
  failed: number;
  /** One line per block whose stamp was not intact at free (at most 10). */
  damaged: string[];
  damagedCount: number;
  /** Of the operations, the frees of the blocks still live at the end (the worker's drain). */
  drained: number;
  /** Wall-clock time of the operations (startup excluded). */
  elapsedMs: number;
  /** The allocator error that stopped this worker, or ''. */
  error: string;
}

/** 4 bits of worker id, 28 of sequence number: a word names the allocation that wrote it. */
export function stamp(id: number, seq: number): number {
  return ((id & 0xf) << 28) | (seq & 0x0fffffff);
}

function run(task: StamperTask): StamperReport {
  const heap = createAllocator({ buffer: task.buffer, attach: true, lock: task.lock });
  const words = new Int32Array(task.buffer);
  const random = createRandom(task.seed);
  const live: { ptr: number; words: number; stamp: number }[] = [];
  const report: StamperReport = { id: task.id, operations: 0, allocations: 0, frees: 0, failed: 0, damaged: [], damagedCount: 0, drained: 0, elapsedMs: 0, error: '' };
  let seq = 0;

  const release = (i: number) => {
    const b = live[i];
    live[i] = live[live.length - 1];
    live.pop();
    const base = b.ptr >> 2;
    for (let k = 0; k < b.words; k++) {
      const w = words[base + k];
      if (w !== b.stamp) {
        report.damagedCount++;
        if (report.damaged.length < 10) {
          report.damaged.push(`worker ${task.id} seq ${b.stamp & 0x0fffffff} at ${b.ptr}: word ${k} is worker ${(w >>> 28) & 0xf} seq ${w & 0x0fffffff}`);
        }
        break;
      }
    }
    heap.free(b.ptr);
    report.frees++;
    report.operations++;
  };

  const progress = task.progress === undefined ? null : new Int32Array(task.progress);
  const deadline = task.durationMs === undefined ? Infinity : performance.now() + task.durationMs;
  const work = () => {
    while (report.operations < task.ops) {
      if ((report.operations & 255) === 0) {
        if (progress !== null) Atomics.store(progress, task.id - 1, report.operations);
        if (performance.now() >= deadline) break;
      }
      if (live.length === 0 || (live.length < task.maxLive && random.chance(0.5))) {
        const size = random.int(8, task.maxSize);
        const ptr = heap.allocate(size);
        report.allocations++;
        report.operations++;
        if (ptr === 0) {
          report.failed++;
          continue;
        }
        const s = stamp(task.id, ++seq);
        words.fill(s, ptr >> 2, (ptr >> 2) + (size >> 2));
        live.push({ ptr, words: size >> 2, stamp: s });
      } else {
        release(random.int(0, live.length - 1));
      }
    }
    report.drained = live.length;
    while (live.length > 0) release(live.length - 1);
  };

  const gate = new Int32Array(task.gate);
  if (Atomics.add(gate, 0, 1) + 1 === task.workers) Atomics.notify(gate, 0);
  for (let n; (n = Atomics.load(gate, 0)) < task.workers; ) Atomics.wait(gate, 0, n, 1000);
  const started = performance.now();
  try {
    work();
  } catch (e) {
    // A worker on a corrupted pool (lock 'none') reports what stopped it instead of dying.
    report.error = e instanceof Error ? e.message : String(e);
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

if (parentPort !== null && workerData?.data !== undefined) parentPort.postMessage(run(workerData.data as StamperTask));
