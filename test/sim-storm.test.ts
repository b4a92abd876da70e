/**
 * Why the interrupt lock exists: the simulator's interrupt storm, with handlers that allocate and free
 * at the core's preemption points. Without a lock the pool is corrupted and check() says so; with the
 * 'interrupt' lock a million operations leave it intact, every block's stamp included.
 */
import test from 'ava';
import { AllocatorError } from '../src/index.js';
import { simulate } from '../sim/simulate.js';
import { loadTarget } from '../sim/target.js';
import { findWorkload } from '../sim/workloads.js';

const storm = findWorkload('storm')!;

test("lock 'none': the storm corrupts the pool and check() catches it", (t) => {
  const { result, heap } = simulate({ target: loadTarget('sim'), workload: storm, seed: 1, lock: 'none', ops: 1_000_000 });
  t.log(`corruption found by ${result.problem?.kind} after ${result.problem?.afterOperations} operations, ${result.interrupts.preempting} interrupts inside allocator calls: ${result.problem?.message}`);
  t.is(result.verdict, 'corrupted');
  t.true(result.interrupts.preempting > 0);
  const error = t.throws(() => heap.check(), { instanceOf: AllocatorError });
  t.is(error?.code, 'HEAP_CORRUPTED');
});

test("lock 'none': a busy device, not only a storm, corrupts the pool sooner or later", (t) => {
  const { result, heap } = simulate({ target: loadTarget('sim'), workload: findWorkload('steady')!, seed: 2, lock: 'none', ops: 1_000_000 });
  t.log(`steady workload: found by ${result.problem?.kind} after ${result.problem?.afterOperations} operations`);
  t.is(result.verdict, 'corrupted');
  // Found by the allocator's own checks in the middle of a call (which refuse to act on the
  // half-updated words, so the pool may be whole again once the interrupted call ends), or by check().
  if (result.problem?.kind === 'allocator-error') t.regex(result.problem.message, /HEAP_CORRUPTED/);
  else t.is(t.throws(() => heap.check(), { instanceOf: AllocatorError })?.code, 'HEAP_CORRUPTED');
});

test("lock 'interrupt': 1,000,000 operations in the storm, no corruption, every block intact", (t) => {
  const { result, heap } = simulate({ target: loadTarget('sim'), workload: storm, seed: 1, lock: 'interrupt', ops: 1_000_000, probeEvery: 0 });
  const i = result.interrupts;
  t.log(`${result.operations} operations, ${i.delivered} interrupts (${i.deferred} held back by the lock, ${i.nested} nested), ${result.checks} checks, ${result.verifiedBlocks} stamps verified, ${result.elapsedMs} ms`);
  t.is(result.problem, null, result.problem?.message);
  t.is(result.verdict, 'pass');
  t.true(result.operations >= 1_000_000);
  // The storm must really have hit the allocator: interrupts arrived while the lock held them back.
  t.true(i.deferred > 10_000);
  t.true(i.nested > 0);
  t.is(i.preempting, 0);
  t.is(result.verifiedBlocks, result.allocations - result.failedAllocations);
  t.is(result.leftUsedBlocks, 0);
  t.is(result.leftFreeBlocks, 1);
  t.notThrows(() => heap.check());
});

test("lock 'atomics' in an interrupt handler is a deadlock, and the simulator says so", (t) => {
  const { result } = simulate({ target: loadTarget('sim'), workload: storm, seed: 1, lock: 'atomics', ops: 100_000 });
  t.is(result.verdict, 'deadlock');
});

test('a run is reproduced exactly by its seed', (t) => {
  const run = (seed: number) => {
    const { result } = simulate({ target: loadTarget('sim'), workload: findWorkload('steady')!, seed, ops: 20_000 });
    const { elapsedMs, maskedSpans, ...rest } = result;
    return { ...rest, words: maskedSpans.words, steps: maskedSpans.longest.steps };
  };
  t.deepEqual(run(7), run(7));
  t.notDeepEqual(run(7), run(8));
});

test('masked span: TLSF touches no more words with hundreds of free blocks; first-fit walks them', (t) => {
  const words = (strategy: 'tlsf' | 'first-fit') => {
    const target = { ...loadTarget('sim'), strategy };
    const { result } = simulate({ target, workload: findWorkload('fragment')!, seed: 3, ops: 60_000, probeEvery: 1024 });
    t.is(result.verdict, 'pass');
    return result.maskedSpans.words;
  };
  const tl = words('tlsf');
  const ff = words('first-fit');
  t.log(`most words touched per call, fragment workload: tlsf allocate ${tl.allocate} free ${tl.free}; first-fit allocate ${ff.allocate} free ${ff.free}`);
  t.true(tl.allocate < 64 && tl.free < 64);
  t.true(ff.allocate > 2 * tl.allocate);
});
