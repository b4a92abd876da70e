/**
 * A deterministic per-operation cost: pool words read by the strategy's free structure (find, insert,
 * remove, replace) during one allocate/free/reallocate. It is what varies between strategies (a list
 * walk for the list strategies, a few bitmap words for TLSF); the rest of the core does a fixed number
 * of reads per operation. Wall-clock times would differ between the host and an ESP32 and from run to
 * run; this count does not.
 *
 * The public API exposes no such counter. The build makes one: dist/cli/counting.js, the strategies
 * of src/strategies with each read of the pool counted in place (build/count-reads.mjs), which the
 * replay's allocator takes as its free structure. Where it is not built, or is older than src/ (run
 * from the TypeScript sources after an edit), the same words are counted by wrapping the strategy objects of src/strategies for
 * the duration of one replay and handing them a Proxy of the pool (about 100 ns a read, so about ten
 * times slower); test/tune-cost.test.ts holds the two counts equal.
 *
 * The replay always takes the generic path (CoreAllocator), which calls those objects. A release TLSF
 * pool runs TlsfAllocator instead, whose free-structure code (the same @inline functions of tlsf.ts)
 * makes the same decisions over the same words (test/fast-path.test.ts compares the two block for
 * block); counted here, release and debug TLSF read the same words, as the list strategies always did.
 */
import { readdirSync, statSync } from 'node:fs';
import { settle } from '../../src/allocator.js';
import { CoreAllocator } from '../../src/core-allocator.js';
import type { FreeStructure, Pool } from '../../src/pool.js';
import { STRUCTURES } from '../../src/strategies/registry.js';
import type { StrategyName } from '../../src/types.js';
import type { TraceOp } from '../trace.js';
import { replay, type PackedTrace, type PoolConfig } from './replay.js';

const METHODS = ['find', 'insert', 'remove', 'replace'] as const;

export interface CostResult {
  /** Most words read by one operation. */
  worst: number;
  /** Index of that operation in the trace. */
  worstAt: number;
  mean: number;
}

interface Counting {
  STRUCTURES: Readonly<Record<StrategyName, FreeStructure>>;
  reads: { n: number };
}

const FROM_SOURCES = import.meta.url.endsWith('.ts');
const COUNTING = new URL(FROM_SOURCES ? '../../dist/cli/counting.js' : './counting.js', import.meta.url);

/** Run from the sources, whether a file of src/ changed after dist/cli/counting.js was built. */
function stale(): boolean {
  const built = statSync(COUNTING, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const src = new URL('../../src/', import.meta.url);
  return readdirSync(src, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.ts') && statSync(new URL(f, src)).mtimeMs > built);
}

/**
 * The counting build beside the compiled CLI, or in dist/ of a clone when it is as new as src/; null
 * otherwise (not built, or built from older sources: its counts would be of other code).
 */
const counting: Counting | null = FROM_SOURCES && stale() ? null : await import(COUNTING.href).then(
  (module: Counting) => module,
  () => null,
);

/**
 * The pool of a replay on the generic path, whatever the strategy, with free structure `s` (the
 * strategy's own by default); null when it is too small to format.
 */
function generic(c: PoolConfig, s?: FreeStructure): CoreAllocator | null {
  try {
    const settled = settle({ poolSize: c.poolSize, strategy: c.strategy, alignment: c.alignment, debug: c.debug, lock: 'none' });
    return new CoreAllocator(s === undefined ? settled : { ...settled, s });
  } catch {
    return null;
  }
}

/** Each operation's count of words read, as read(): the counting build's counter, reset after each. */
function measured(ops: readonly TraceOp[] | PackedTrace, config: PoolConfig, read: () => number, open: (c: PoolConfig) => CoreAllocator | null): CostResult {
  let worst = 0, worstAt = -1, total = 0;
  replay(ops, config, (_heap, i) => {
    const n = read();
    if (n > worst) { worst = n; worstAt = i; }
    total += n;
  }, false, open);
  return { worst, worstAt, mean: ops.length ? total / ops.length : 0 };
}

/**
 * The cost of each operation of `ops` in a pool of `config`: with the counting build when it is there
 * and current (`via` 'auto'), or by the method named ('counting' throws when the build is missing or
 * older than src/).
 */
export function measureCost(ops: readonly TraceOp[] | PackedTrace, config: PoolConfig, via: 'auto' | 'counting' | 'proxy' = 'auto'): CostResult {
  if (via === 'counting' && counting === null) throw new Error(`${COUNTING.pathname} is missing or older than src/: npm run build`);
  if (via !== 'proxy' && counting !== null) {
    const { reads } = counting;
    const s = counting.STRUCTURES[config.strategy];
    reads.n = 0;
    return measured(ops, config, () => {
      const n = reads.n;
      reads.n = 0;
      return n;
    }, (c) => generic(c, s));
  }
  return measureViaProxy(ops, config);
}

function measureViaProxy(ops: readonly TraceOp[] | PackedTrace, config: PoolConfig): CostResult {
  const s = STRUCTURES[config.strategy] as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = METHODS.map((k) => s[k]);
  let reads = 0;
  // One counting copy of each pool, made at its first call: a Pool's fields are fixed once the
  // allocator is made, and a copy per call cost as much as the counting itself.
  const views = new WeakMap<Pool, Pool>();
  const handler: ProxyHandler<Int32Array> = {
    get(t, k) {
      if (typeof k === 'string') reads++;
      return Reflect.get(t, k);
    },
  };
  const counting = (P: Pool) => {
    let v = views.get(P);
    if (v === undefined) {
      v = { ...P, m: new Proxy(P.m, handler) };
      views.set(P, v);
    }
    return v;
  };
  METHODS.forEach((k, i) => {
    const original = saved[i];
    s[k] = (P: unknown, ...rest: unknown[]) => original(counting(P as Pool), ...rest);
  });
  try {
    return measured(ops, config, () => {
      const n = reads;
      reads = 0;
      return n;
    }, (c) => generic(c));
  } finally {
    METHODS.forEach((k, i) => { s[k] = saved[i]; });
  }
}
