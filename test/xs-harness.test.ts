/**
 * The XS harness itself (bench/xs.ts), on a tiny bundle of its own: the allocator's bundles are
 * tested through it elsewhere.
 */
import test from 'ava';
import { runInNewContext } from 'node:vm';
import { closeXSHost, esmToScript, openXS, runInXS, XSError } from '../bench/xs.js';

/** Shaped like rollup + terser output: private helpers, one export list at the end. */
const TINY_BUNDLE =
  'const t=2;function n(n){return n*t}class e{constructor(){this.count=0}next(){return++this.count}}' +
  'let o=0;function c(){return++o}export{n as double,e as Counter,c as bump,o as bumps};';

test.after.always(() => closeXSHost());

test('esmToScript: exports become getters of one global, module scope stays private', (t) => {
  const script = esmToScript(TINY_BUNDLE, 'tiny');
  const context: { globalThis?: unknown; tiny?: Record<string, unknown> } = {};
  context.globalThis = context;
  runInNewContext(script, context);
  const tiny = context.tiny as { double(n: number): number; bump(): number; bumps: number; Counter: new () => { next(): number } };
  t.is(tiny.double(21), 42);
  t.is(new tiny.Counter().next(), 1);
  t.is(tiny.bumps, 0);
  tiny.bump();
  t.is(tiny.bumps, 1, 'live binding, as in a module namespace');
  t.deepEqual(Object.keys(tiny).sort(), ['Counter', 'bump', 'bumps', 'double']);
  t.false('t' in context, 'module-scope bindings do not leak into the global scope');
});

test('esmToScript: export declarations and default exports', (t) => {
  const script = esmToScript(
    'export const a = 1, { b } = { b: 2 };\nexport function f() { return a + b; }\nexport default function () { return 3; }\n',
    'm',
  );
  const context: Record<string, unknown> = {};
  context.globalThis = context;
  runInNewContext(script, context);
  const m = context.m as { a: number; b: number; f(): number; default(): number };
  t.is(m.f(), 3);
  t.is(m.default(), 3);
  t.is(m.b, 2);
});

test('esmToScript: a bundle that is not self-contained is refused', (t) => {
  t.throws(() => esmToScript("import { x } from './x.js'; export { x };"), { message: /imports "\.\/x\.js"/ });
  t.throws(() => esmToScript("export * from './x.js';"), { message: /re-exports/ });
  t.throws(() => esmToScript("export { y } from './y.js';"), { message: /re-exports/ });
  t.throws(() => esmToScript('export const u = import.meta.url;'), { message: /import\.meta/ });
});

test('runInXS: runs the bundle in XS and returns the result and the compute meter', async (t) => {
  const { result, compute, loadCompute, meterUsage } = await runInXS<{ d: number; n: number[] }>(
    TINY_BUNDLE,
    `const c = new mcalloc.Counter();
     return { d: mcalloc.double(21), n: [c.next(), c.next()] };`,
  );
  t.deepEqual(result, { d: 42, n: [1, 2] });
  t.true(compute > 0);
  t.true(loadCompute > 0);
  t.is(meterUsage.meterType.slice(0, 8), 'xs-meter');
  t.log(`XS compute: script ${compute}, bundle load ${loadCompute}`);
});

test('runInXS: the compute meter is deterministic', async (t) => {
  const script = 'let s = 0; for (let i = 0; i < 1000; i++) s += mcalloc.double(i); return s;';
  const a = await runInXS<number>(TINY_BUNDLE, script);
  const b = await runInXS<number>(TINY_BUNDLE, script);
  t.is(a.result, 999000);
  t.is(a.compute, b.compute);
  t.log(`XS compute of 1000 calls: ${a.compute}`);
});

test('runInXS: the engine really is XS, with what the allocator needs', async (t) => {
  const { result } = await runInXS<Record<string, string>>(
    TINY_BUNDLE,
    `return {
       engine: typeof print + ' ' + typeof harden,
       nodeProcess: typeof process,
       clz32: typeof Math.clz32,
       int32: typeof Int32Array,
       sab: typeof SharedArrayBuffer,
       atomics: typeof Atomics,
       strict: String(this),
     };`,
  );
  t.deepEqual(result, {
    engine: 'function function',
    nodeProcess: 'undefined',
    clz32: 'function',
    int32: 'function',
    sab: 'function',
    atomics: 'object',
    strict: 'undefined',
  });
});

test('runInXS: undefined and promised results', async (t) => {
  t.is((await runInXS(TINY_BUNDLE, 'mcalloc.double(1);')).result, undefined);
  t.is((await runInXS(TINY_BUNDLE, 'return Promise.resolve(5).then((v) => mcalloc.double(v));')).result, 10);
});

test('runInXS: an exception in XS rejects with its message', async (t) => {
  const error = await t.throwsAsync(runInXS(TINY_BUNDLE, 'throw new RangeError("pool too small: " + mcalloc.double(2));'), {
    instanceOf: XSError,
  });
  t.regex(error!.message, /RangeError: pool too small: 4/);
  await t.throwsAsync(runInXS(TINY_BUNDLE, 'return Promise.reject(new TypeError("later"));'), { message: /TypeError: later/ });
  await t.throwsAsync(runInXS(TINY_BUNDLE, 'return {;'), { instanceOf: XSError, message: /SyntaxError/ });
  await t.throwsAsync(runInXS(TINY_BUNDLE, 'return new Promise(() => {});'), { message: /did not settle/ });
});

test('openXS: one machine keeps its state across runs; machines are separate', async (t) => {
  const a = await openXS();
  const b = await openXS();
  try {
    await a.load(TINY_BUNDLE);
    await b.load(TINY_BUNDLE, 'other');
    t.is((await a.run('globalThis.kept = mcalloc.bump(); return kept;')).result, 1);
    t.deepEqual((await a.run('return [kept, mcalloc.bump(), mcalloc.bumps];')).result, [1, 2, 2]);
    t.deepEqual((await b.run('return [typeof kept, typeof mcalloc, other.bumps];')).result, ['undefined', 'undefined', 0]);
  } finally {
    await a.close();
    await b.close();
  }
});

test('openXS: meteringLimit stops a runaway script', async (t) => {
  const session = await openXS({ meteringLimit: 100_000 });
  try {
    await session.load(TINY_BUNDLE);
    await t.throwsAsync(session.run('for (;;) mcalloc.bump();'), { instanceOf: XSError });
  } finally {
    await session.close();
  }
});
