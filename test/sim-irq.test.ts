/** The simulated interrupt controller: masking defers, priorities nest, a pending bit loses overruns. */
import test from 'ava';
import { VirtualClock } from '../sim/clock.js';
import { InterruptController, type SourceSpec } from '../sim/irq.js';
import { createRandom } from '../sim/prng.js';

function controller(specs: Omit<SourceSpec, 'handler'>[], log: string[], inside: (name: string, irq: InterruptController) => void = () => {}) {
  const clock = new VirtualClock();
  let irq: InterruptController;
  irq = new InterruptController(clock, createRandom(1), specs.map((s) => ({ ...s, handler: () => {
    log.push(`${s.name}@${irq.currentLevel}`);
    inside(s.name, irq);
  } })));
  return irq;
}

test('a masked interrupt waits for restore() and runs then, counted as deferred', (t) => {
  const log: string[] = [];
  const irq = controller([{ name: 'uart', priority: 2, interval: 1 }], log);
  const state = irq.disable();
  irq.advance(5);
  t.deepEqual(log, []);
  irq.restore(state);
  t.deepEqual(log, ['uart@2']);
  const [s] = irq.stats();
  t.is(s.deferred, 1);
  t.true(s.overruns > 0, 'events while pending are lost');
});

test('nested restore() keeps the mask until the outermost one', (t) => {
  const log: string[] = [];
  const irq = controller([{ name: 'uart', priority: 2, interval: 1 }], log);
  const outer = irq.disable();
  const inner = irq.disable();
  irq.advance(3);
  irq.restore(inner);
  t.deepEqual(log, []);
  t.true(irq.isMasked);
  irq.restore(outer);
  t.deepEqual(log, ['uart@2']);
});

test('pending interrupts run highest priority first; only a higher priority interrupts a running handler', (t) => {
  const log: string[] = [];
  let first = true;
  const irq = controller(
    [{ name: 'timer', priority: 1, interval: 1000 }, { name: 'gpio', priority: 3, interval: 1000 }, { name: 'uart', priority: 2, interval: 1000 }],
    log,
    (name, c) => {
      if (name === 'uart' && first) {
        first = false;
        c.advance(100_000); // all three fire again while uart's handler runs: only gpio may nest
      }
    },
  );
  const state = irq.disable();
  irq.advance(100_000);
  irq.restore(state);
  t.deepEqual(log.slice(0, 4), ['gpio@3', 'uart@2', 'gpio@3', 'uart@2']);
  t.is(log[4], 'timer@1');
  t.is(irq.stats().find((s) => s.name === 'gpio')!.nested, 1);
});

test('the same seed gives the same interrupt times', (t) => {
  const times = () => {
    const log: number[] = [];
    const clock = new VirtualClock();
    const irq = new InterruptController(clock, createRandom(9), [{ name: 'x', priority: 1, interval: 7, handler: () => log.push(clock.now) }]);
    for (let i = 0; i < 200; i++) irq.advance(1);
    return log;
  };
  t.deepEqual(times(), times());
  t.true(times().length > 10);
});
