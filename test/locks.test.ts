/**
 * The lock fits the execution model: device targets of one VM take no lock, the Workers target the
 * atomics lock, the interrupt lock stays for code that handlers preempt; and nothing that may block
 * (the `trace` option: trace(), a printf on the device) ever runs while the interrupt mask is held.
 */
import test from 'ava';
import { loadTargets } from '../build/targets.mjs';
import { createAllocator } from '../src/index.js';

const targets = loadTargets('targets');

test('single-VM device targets use no lock, the Workers target atomics, one target keeps the interrupt lock', (t) => {
  for (const target of targets) {
    if (target.name === 'esp32-workers') t.is(target.lock, 'atomics', target.name);
    else if (target.name === 'sim') t.is(target.lock, 'interrupt', 'the simulator default runs handlers that allocate while they preempt');
    else t.is(target.lock, 'none', `${target.name}: one VM, interrupts only post messages to its event loop`);
  }
});

test('the trace option is called after the interrupt mask is restored, never inside it, in operation order', (t) => {
  let masked = 0;
  const insideMask: string[] = [];
  const lines: string[] = [];
  const heap = createAllocator({
    poolSize: 8192, lock: 'interrupt',
    interrupts: { disable: () => masked++, restore: (state) => { masked = state; } },
    trace: (line) => {
      if (masked !== 0) insideMask.push(line);
      lines.push(line);
    },
  });
  const a = heap.allocate(100);
  const b = heap.reallocate(a, 300);
  heap.free(b);
  const c = heap.allocate(16);
  heap.free(c);
  t.deepEqual(insideMask, []);
  t.deepEqual(lines, ['a 1 100', 'r 1 300', 'f 1', 'a 2 16', 'f 2']);
});

test('a trace callback may itself allocate (it runs outside the call): its line comes after the one that triggered it', (t) => {
  const lines: string[] = [];
  let nested = true;
  const heap = createAllocator({
    poolSize: 8192, lock: 'interrupt',
    trace: (line) => {
      lines.push(line);
      if (nested) {
        nested = false;
        heap.free(heap.allocate(8));
      }
    },
  });
  heap.allocate(40);
  heap.check();
  t.deepEqual(lines, ['a 1 40', 'a 2 8', 'f 2']);
  t.is(heap.stats().usedBlocks, 1);
});

test('an interrupt-locked TLSF pool (the TLSF class) masks interrupts in every call that reads or writes the pool', (t) => {
  let depth = 0;
  let calls = 0;
  const heap = createAllocator({
    poolSize: 8192, lock: 'interrupt',
    interrupts: { disable: () => { calls++; return depth++; }, restore: (state) => { depth = state; } },
  });
  const before = calls;
  const a = heap.allocate(100);
  const b = heap.reallocate(a, 300);
  t.true(heap.usableSize(b) >= 300);
  t.true(heap.bytes(b).length >= 300);
  heap.stats();
  heap.check();
  heap.free(b);
  t.is(calls - before, 7, 'allocate, reallocate, usableSize, bytes, stats, check, free: one masked section each');
  t.is(depth, 0, 'every mask restored');
});
