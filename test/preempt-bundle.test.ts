/**
 * The sim bundle keeps its preemption hook in a global slot (src/preempt.ts: a module-level `let` would
 * stay writable once xsl preloads the bundle). In the real XS engine: the hook it is given runs at the
 * preemption points of allocator calls, and stops when it is taken away.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeXSHost, runInXS } from '../bench/xs.js';

test.after.always(() => closeXSHost());

test('XS, sim bundle: setPreemptHook installs the hook the preemption points call, null removes it', async (t) => {
  const { result } = await runInXS<{ during: number; after: number }>(readFileSync(join('dist', 'targets', 'sim', 'mcalloc.js'), 'utf8'), `
    let calls = 0;
    const heap = mcalloc.createAllocator({ poolSize: 16384 });
    mcalloc.setPreemptHook(() => { calls++; });
    const kept = [];
    for (let i = 0; i < 20; i++) kept.push(heap.allocate(16 + i * 8));
    for (let i = 0; i < 20; i += 2) heap.free(kept[i]);
    const during = calls;
    mcalloc.setPreemptHook(null);
    for (let i = 1; i < 20; i += 2) heap.free(kept[i]);
    heap.check();
    return { during, after: calls - during };
  `);
  t.true(result.during > 0, 'the points call the hook');
  t.is(result.after, 0, 'no call once the hook is removed');
});
