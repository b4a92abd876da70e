/**
 * Four Worker threads allocate and free in one SharedArrayBuffer pool (lock 'atomics'), each stamping
 * its blocks with its id and a sequence number and checking the stamps at free. Without the lock the
 * same run damages blocks or the pool (the control: it shows the stamps can see a race).
 */
import test from 'ava';
import { runStampers } from '../sim/workers/stampers.js';

test("4 workers × 100,000 operations on one shared pool (lock 'atomics'): no overlap, every stamp intact, one free block at the end", async (t) => {
  const r = await runStampers({ workers: 4, opsPerWorker: 100_000, poolSize: 256 * 1024 });
  t.log(`per worker: ${r.reports.map((w) => `${w.operations} ops in ${w.elapsedMs} ms`).join(', ')}; ${Math.round(r.elapsedMs)} ms with worker start-up`);
  for (const w of r.reports) {
    t.is(w.error, '', `worker ${w.id}`);
    t.true(w.operations >= 100_000);
    t.is(w.damagedCount, 0, w.damaged.join('\n'));
    t.is(w.allocations - w.failed, w.frees);
  }
  t.is(r.check, '');
  t.is(r.usedBlocks, 0);
  t.is(r.freeBlocks, 1);
});

test("control: the same run with lock 'none' damages blocks or the pool", async (t) => {
  const r = await runStampers({ workers: 4, opsPerWorker: 50_000, poolSize: 256 * 1024, lock: 'none' });
  const damaged = r.reports.reduce((n, w) => n + w.damagedCount, 0);
  const errors = r.reports.filter((w) => w.error !== '').map((w) => w.error);
  t.log(`without a lock: ${damaged} damaged blocks, ${errors.length} workers stopped (${errors[0] ?? ''}), check: ${r.check || 'passes'}`);
  t.true(damaged > 0 || errors.length > 0 || r.check !== '' || r.usedBlocks !== 0 || r.freeBlocks !== 1);
});
