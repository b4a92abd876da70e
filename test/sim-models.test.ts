/**
 * The simulator runs each target in the execution model its lock is for: the Moddable event model
 * (interrupts post messages, handlers run from the main loop) for lock 'none', interrupt handlers that
 * preempt allocator calls for 'interrupt', Worker threads on a SharedArrayBuffer for 'atomics'.
 * Every shipped target runs clean in its own model.
 */
import test from 'ava';
import { main } from '../sim/cli.js';
import { EventQueue, modelForLock } from '../sim/events.js';
import { VirtualClock } from '../sim/clock.js';
import { simulate } from '../sim/simulate.js';
import { loadTarget, targetNames } from '../sim/target.js';
import { simulateWorkers } from '../sim/workers-model.js';
import { findWorkload } from '../sim/workloads.js';

const storm = findWorkload('storm')!;

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

test('the model follows the lock: none -> events, interrupt -> interrupts, atomics -> workers', (t) => {
  t.is(modelForLock('none'), 'events');
  t.is(modelForLock('interrupt'), 'interrupts');
  t.is(modelForLock('atomics'), 'workers');
});

test('events model: the storm that corrupts an unlocked pool in the interrupt model runs clean, interrupts inside calls included', (t) => {
  const target = loadTarget('esp32');
  t.is(target.lock, 'none');
  const events = simulate({ target, workload: storm, seed: 1, ops: 200_000, probeEvery: 0 }).result;
  t.is(events.model, 'events');
  t.is(events.verdict, 'pass', events.problem?.message);
  t.true(events.interrupts.preempting > 0, 'interrupts still arrive in the middle of allocator calls: they only post');
  const e = events.events!;
  t.log(`events: ${events.operations} operations, ${e.posted} messages (${e.dropped} dropped), ${events.interrupts.preempting} interrupts inside allocator calls`);
  t.is(e.dispatched + e.dropped, e.posted, 'every message ran or was dropped (the drain runs the last ones)');
  t.true(e.dispatched > 10_000);
  t.is(events.leftUsedBlocks, 0);
  t.is(events.leftFreeBlocks, 1);
  // The control: the same target, seed and workload with handlers that run inside the interrupt.
  const irq = simulate({ target, workload: storm, seed: 1, ops: 200_000, model: 'interrupts', probeEvery: 0 }).result;
  t.is(irq.verdict, 'corrupted');
});

test('events model: a full queue drops messages (counted), the others run in order', (t) => {
  const clock = new VirtualClock();
  const queue = new EventQueue(clock, 2);
  const ran: string[] = [];
  const [a, b, c] = queue.wrap(['a', 'b', 'c'].map((name) => ({ name, priority: 1, interval: 10, handler: () => ran.push(name) })));
  a.handler();
  clock.advance(5);
  b.handler();
  c.handler();
  t.deepEqual(ran, [], 'an interrupt only posts');
  queue.dispatch();
  t.deepEqual(ran, ['a', 'b']);
  t.deepEqual(queue.stats, { posted: 3, dispatched: 2, dropped: 1, deepest: 2, longestWait: 5 });
});

test('events model: a run is reproduced exactly by its seed', (t) => {
  const once = () => {
    const { elapsedMs, maskedSpans, ...rest } = simulate({ target: loadTarget('esp8266'), workload: findWorkload('steady')!, seed: 5, ops: 20_000 }).result;
    return rest;
  };
  t.deepEqual(once(), once());
});

test('workers model: 3 Workers on the esp32-workers pool with the atomics lock, stamps intact, one free block at the end', async (t) => {
  const { result } = await simulateWorkers({ target: loadTarget('esp32-workers'), workload: findWorkload('steady')!, seed: 1, ops: 150_000 });
  t.log(`${result.operations} operations: ${result.workers!.map((w) => `#${w.id} ${w.operations} in ${w.elapsedMs} ms`).join(', ')}; ${result.checks} checks`);
  t.is(result.verdict, 'pass', result.problem?.message);
  t.is(result.workers!.length, 3);
  t.true(result.operations >= 150_000);
  t.true(result.checks >= 1);
  t.is(result.leftUsedBlocks, 0);
  t.is(result.leftFreeBlocks, 1);
});

for (const name of targetNames()) {
  test(`npm run sim -- --target ${name}: runs clean in its own model`, async (t) => {
    const r = await run(['--target', name, '--ops', '20000', '--json']);
    t.is(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    t.is(result.verdict, 'pass', result.problem?.message);
    t.is(result.model, modelForLock(loadTarget(name).lock));
  });
}

test('the model is an option; the workers model refuses the interrupt lock and --record', async (t) => {
  const bad = await run(['--model', 'threads']);
  t.is(bad.code, 2);
  t.regex(bad.err, /--model must be one of events, interrupts, workers/);
  const irq = await run(['--model', 'workers', '--lock', 'interrupt', '--ops', '100']);
  t.is(irq.code, 2);
  t.regex(irq.err, /workers model .*--lock atomics/);
  const record = await run(['--target', 'esp32-workers', '--record', 'x.trace', '--ops', '100']);
  t.is(record.code, 2);
  t.regex(record.err, /--record is not available with the workers model/);
  const forced = await run(['--target', 'esp32', '--model', 'interrupts', '--workload', 'storm', '--ops', '100000', '--json']);
  t.is(forced.code, 1, 'handlers that allocate inside the interrupt need the interrupt lock');
  t.is(JSON.parse(forced.out).verdict, 'corrupted');
});
