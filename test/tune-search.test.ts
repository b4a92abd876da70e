/**
 * The tuner's search against an exhaustive one: on small seeded traces, every multiple of 8 from the
 * smallest pool createAllocator accepts up to the reported size is replayed. The reported size must
 * complete, and be within 1% of the true minimum (on traces this small the search is exact).
 */
import test from 'ava';
import type { TraceOp } from '../sim/trace.js';
import { blockProfile } from '../sim/tune/profile.js';
import { createAllocator } from '../src/index.js';
import { STRATEGIES, completes, pack, replay } from '../sim/tune/replay.js';
import { tune } from '../sim/tune/tune.js';
import { IN_THREAD_OPERATIONS, defaultJobs, tuneInWorkers } from '../sim/tune/tune-workers.js';
import { smallestPool } from '../sim/tune/search.js';
import { randomTrace } from './helpers/random-trace.js';

const SMALLEST_POOL = 256; // below every strategy's minimum with a few blocks

/** Exhaustive: all completing multiples of 8 from SMALLEST_POOL to `upTo`. */
function exhaustive(ops: TraceOp[], strategy: (typeof STRATEGIES)[number], upTo: number): number[] {
  const ok: number[] = [];
  for (let size = SMALLEST_POOL; size <= upTo; size += 8) if (completes(ops, { strategy, poolSize: size })) ok.push(size);
  return ok;
}

const TRACES = [1, 2, 3, 4, 5, 6].map((seed) => randomTrace(seed, 160, seed % 2 ? 300 : 900));

for (const strategy of STRATEGIES) {
  test(`${strategy}: the reported smallest pool completes and is within 1% of an exhaustive search`, (t) => {
    for (const ops of TRACES) {
      const profile = blockProfile(ops);
      const found = smallestPool(ops, { strategy }, profile.lowerBound);
      t.true(completes(ops, { strategy, poolSize: found.size }), `reported ${found.size} does not complete`);
      const ok = exhaustive(ops, strategy, found.size);
      const truth = ok[0];
      t.true(truth >= profile.lowerBound, `${truth} completes below the lower bound ${profile.lowerBound}`);
      t.true(found.size <= truth * 1.01, `reported ${found.size}, exhaustive minimum ${truth}`);
      if (found.exact) t.is(found.size, truth);
    }
  });
}

test('the traces exercise non-monotonic pool sizes (a size above the minimum that fails)', (t) => {
  // Without this, a plain binary search would pass the test above too.
  let seen = false;
  for (const ops of TRACES) {
    for (const strategy of ['next-fit', 'worst-fit'] as const) {
      const found = smallestPool(ops, { strategy }, blockProfile(ops).lowerBound);
      const ok = new Set(exhaustive(ops, strategy, found.size + 800));
      for (let size = found.size; size <= found.size + 800; size += 8) if (!ok.has(size)) seen = true;
    }
  }
  t.true(seen);
});

/** The replay as it was before traces were packed: a Map from trace ID to pointer, one object per operation. */
function referenceReplay(ops: readonly TraceOp[], strategy: (typeof STRATEGIES)[number], poolSize: number): { failed: number; firstFailure: number } {
  let heap;
  try {
    heap = createAllocator({ poolSize, strategy, lock: 'none' });
  } catch {
    return { failed: ops.length, firstFailure: 0 };
  }
  const live = new Map<number, number>();
  let failed = 0, firstFailure = -1;
  ops.forEach((o, i) => {
    const p = live.get(o.id);
    if (o.op === 'f') {
      if (p !== undefined) heap.free(p);
      live.delete(o.id);
      return;
    }
    const q = o.size > heap.poolSize ? 0 : o.op === 'a' || p === undefined ? heap.allocate(o.size) : heap.reallocate(p, o.size);
    if (q !== 0) live.set(o.id, q);
    else if (failed++ === 0) firstFailure = i;
  });
  heap.destroy();
  return { failed, firstFailure };
}

test('the packed replay fails the same requests as a plain one, in pools that fail and pools that do not', (t) => {
  let failing = 0;
  for (const ops of TRACES) {
    const packed = pack(ops);
    const low = blockProfile(ops).lowerBound;
    for (const strategy of STRATEGIES) {
      for (let size = low - 64; size < low * 1.6; size += 136) {
        const want = referenceReplay(ops, strategy, size);
        t.deepEqual(replay(packed, { strategy, poolSize: size }), want, `${strategy} @${size}`);
        if (want.failed > 0) failing++;
      }
    }
  }
  t.true(failing > 50, 'pools too small are among the cases');
});

test('Worker threads give the results of tune() in one thread, field for field', async (t) => {
  // One trace with every strategy and one with a subset: each Worker start compiles the sources (tsx), about a second.
  const options = { headroom: 0.2, current: { poolSize: 4096, strategy: 'tlsf' as const } };
  t.deepEqual(await tuneInWorkers(TRACES[0], options, 2), tune(TRACES[0], options));
  const subset = { strategies: ['worst-fit', 'first-fit'] as const };
  t.deepEqual(await tuneInWorkers(TRACES[3], subset, 1), tune(TRACES[3], subset));
});

test('a short trace is tuned in the calling thread (no Worker to start), with the same results and progress', async (t) => {
  t.is(defaultJobs(IN_THREAD_OPERATIONS), 0);
  t.true(defaultJobs(IN_THREAD_OPERATIONS + 1) >= 1);
  const ops = TRACES[0];
  t.true(ops.length <= IN_THREAD_OPERATIONS);
  const lines: string[] = [];
  const inThread = await tuneInWorkers(ops, { onProgress: (what) => lines.push(what) });
  // The threads' results equal tune()'s: the test above (each Worker start compiles the sources, about a second).
  t.deepEqual(inThread, tune(ops));
  t.true(lines.some((l) => new RegExp(`^\\d/${STRATEGIES.length} done; tlsf: smallest pool, replay \\d+`).test(l)), lines.slice(-3).join(' | '));
});
