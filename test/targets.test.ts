/** targets/*.json and their check (build/targets.mjs), which rollup runs before building anything. */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { buildConstants, LOCKS, loadTargets, registryStrategies, validateTarget } from '../build/targets.mjs';
import { LOCK_NAMES } from '../src/locks/lock.js';
import { STRATEGY_NAMES, STRUCTURES } from '../src/strategies/registry.js';

const STRATEGIES = registryStrategies();
const good = { poolSize: 65536, strategy: 'tlsf', lock: 'interrupt', alignment: 8, debug: false, note: 'ok' };

test('one list of strategies: the build checks targets against the registry\'s names, and each has a free structure', (t) => {
  t.deepEqual([...STRATEGIES], [...STRATEGY_NAMES]);
  t.deepEqual(Object.keys(STRUCTURES), [...STRATEGY_NAMES]);
  // The id a pool header stores is the strategy's place in the table, from 1; the build finds a
  // strategy's code by its name (build/strategy-table.mjs).
  STRATEGY_NAMES.forEach((name, i) => t.is(STRUCTURES[name].id, i + 1, name));
  for (const name of STRATEGY_NAMES) t.true(existsSync(`src/strategies/${name}.ts`), name);
  t.deepEqual([...LOCKS], [...LOCK_NAMES]);
});

test('every target file is valid, and every strategy has a bundle', (t) => {
  const targets = loadTargets('targets');
  t.true(targets.length > 0);
  for (const strategy of STRATEGIES) t.true(targets.some((x) => x.strategy === strategy), `no target uses ${strategy}`);
  t.deepEqual(targets.filter((x) => x.preempt).map((x) => x.name), ['sim'], 'only the sim bundle keeps preemption points');
  const esp8266 = targets.find((x) => x.name === 'esp8266');
  t.not(esp8266?.lock, 'atomics', 'no SharedArrayBuffer on the ESP8266');
});

test('errors name the file and the field', (t) => {
  const e1 = t.throws(() => validateTarget('esp32', { ...good, strategy: 'tlsff' }));
  t.is(e1!.message, `targets/esp32.json: field "strategy" must be one of ${STRATEGIES.map((s) => `"${s}"`).join(', ')} (got "tlsff")`);
  const e2 = t.throws(() => validateTarget('esp32', { ...good, lock: 'mutex' }));
  t.is(e2!.message, `targets/esp32.json: field "lock" must be one of ${LOCKS.map((l) => `"${l}"`).join(', ')} (got "mutex")`);
  t.throws(() => validateTarget('x', { ...good, alignment: 12 }), { message: 'targets/x.json: field "alignment" must be a power of two, 8 or more (got 12)' });
  t.throws(() => validateTarget('x', { ...good, alignment: 4, poolSize: 4096 }), { message: /field "alignment" must be a power of two, 8 or more \(got 4\)/ });
  t.throws(() => validateTarget('x', { ...good, poolSize: 65540 }), { message: /field "poolSize" must be a multiple of "alignment" \(8\)/ });
  t.throws(() => validateTarget('x', { ...good, poolSize: 2 ** 31 }), { message: /field "poolSize" must be an integer number of bytes/ });
  t.throws(() => validateTarget('x', { ...good, poolSize: '64k' }), { message: /field "poolSize" .* \(got "64k"\)/ });
  t.throws(() => validateTarget('x', { ...good, debug: 'yes' }), { message: 'targets/x.json: field "debug" must be true or false (got "yes")' });
  t.throws(() => validateTarget('x', { ...good, trace: 1 }), { message: 'targets/x.json: field "trace" must be true or false (got 1)' });
  t.throws(() => validateTarget('x', { ...good, note: 'two\nlines' }), { message: /field "note" must be a non-empty one-line string/ });
  t.throws(() => validateTarget('X_Y', good), { message: /the file name must be lower-case/ });
  t.throws(() => validateTarget('x', [good]), { message: 'targets/x.json: must hold a JSON object (got [{"poolSize":65536,"strategy":"tlsf","lock":"interrupt","alignment":8,"debug":false,"note":"ok"}])' });
});

test('unknown and missing fields are errors, all reported at once', (t) => {
  const { strategy: _, ...noStrategy } = good;
  const error = t.throws(() => validateTarget('esp32', { ...noStrategy, stratgy: 'tlsf', preempt: true }));
  t.is(
    error!.message,
    [
      'targets/esp32.json: unknown field "stratgy" (allowed: poolSize, strategy, lock, alignment, debug, trace, note)',
      'targets/esp32.json: unknown field "preempt" (allowed: poolSize, strategy, lock, alignment, debug, trace, note)',
      'targets/esp32.json: field "strategy" is missing',
    ].join('\n'),
  );
});

test('trace defaults to false; preempt is true for sim only', (t) => {
  t.false(validateTarget('esp32', good).trace);
  t.true(validateTarget('esp32', { ...good, trace: true }).trace);
  t.false(validateTarget('esp32', good).preempt);
  t.true(validateTarget('sim', good).preempt);
});

test('buildConstants covers exactly the globals src/build.ts declares, as literals', (t) => {
  const declared = [...readFileSync('src/build.ts', 'utf8').matchAll(/declare const (__MCALLOC_\w+__)/g)].map((m) => m[1]).sort();
  const constants = buildConstants(validateTarget('sim', { ...good, debug: true }));
  t.deepEqual(Object.keys(constants).sort(), declared);
  t.deepEqual(constants, {
    __MCALLOC_STRATEGY__: '"tlsf"',
    __MCALLOC_LOCK__: '"interrupt"',
    __MCALLOC_DEBUG__: 'true',
    __MCALLOC_POOL_SIZE__: '65536',
    __MCALLOC_ALIGNMENT__: '8',
    __MCALLOC_PREEMPT__: 'true',
    __MCALLOC_TRACE__: 'false',
  });
});
