/**
 * The stray-write fuzz: random operations on a pool, one write that user code should not have made
 * (bytes into a freed block, an overrun past a live block, or a random word anywhere in the pool,
 * header included), then more operations. Each later operation must either work (a pointer inside the
 * heap, aligned, over no live block of the model) or throw an AllocatorError. Used by
 * test/stray-writes.test.ts, one Worker per configuration, so that a hang is seen by a watchdog.
 */
import { AllocatorError, createAllocator, type StrategyName } from '../../src/index.js';
import { createRandom } from '../../sim/prng.js';

export type StrayKind = 'after-free' | 'overrun' | 'anywhere';
export const STRAY_KINDS: readonly StrayKind[] = ['after-free', 'overrun', 'anywhere'];

/** detected: an AllocatorError (during the operations or from check() at the end); harmless: nothing
 * noticed and nothing wrong; overlap: a result outside the heap, misaligned or over a live block;
 * untyped: an exception of another type. A hang never reports: the watchdog counts it. */
export type Outcome = 'detected' | 'harmless' | 'overlap' | 'untyped';

export interface CaseSpec {
  strategy: StrategyName;
  debug: boolean;
  kind: StrayKind;
  seed: number;
}

const POOL = 8192;
const BEFORE = 60;
const AFTER = 60;

export function runCase(spec: CaseSpec): { outcome: Outcome; detail: string } {
  const random = createRandom(spec.seed);
  const r = () => random.float();
  const int = (n: number) => random.int(0, n - 1);
  const heap = createAllocator({ poolSize: POOL, strategy: spec.strategy, debug: spec.debug });
  const live = new Map<number, number>();
  const freed: number[] = [];
  const words = new Int32Array(heap.buffer);
  const dv = new DataView(heap.buffer);

  /** A value user code might plausibly write: a pointer, an offset near one, a small number, zero, noise. */
  const plausible = (): number => {
    const ptrs = [...live.keys(), ...freed];
    switch (int(5)) {
      case 0: return ptrs.length ? ptrs[int(ptrs.length)] + (int(5) - 2) * 8 : 0;
      case 1: return int(4096);
      case 2: return 0;
      case 3: return -1;
      default: return (r() * 2 ** 32) | 0;
    }
  };

  const overlapOf = (p: number, size: number, self: number): string => {
    if (!Number.isInteger(p) || p < 8 || p % 8 !== 0 || p + size > POOL) return `pointer ${p} (+${size}) outside the heap or misaligned`;
    for (const [q, qs] of live) {
      if (q !== self && p < q + Math.max(qs, 1) && q < p + Math.max(size, 1)) return `pointer ${p} (+${size}) over live block ${q} (+${qs})`;
    }
    return '';
  };

  const step = (): string => {
    const n = int(10);
    if (n < 5 || live.size === 0) {
      const size = r() < 0.8 ? 1 + int(120) : 1 + int(1500);
      const p = heap.allocate(size);
      if (p === 0) return '';
      const bad = overlapOf(p, size, 0);
      if (bad) return bad;
      live.set(p, size);
      return '';
    }
    const keys = [...live.keys()];
    const victim = keys[int(keys.length)];
    if (n < 8) {
      heap.free(victim);
      live.delete(victim);
      freed.push(victim);
      if (freed.length > 8) freed.shift();
      return '';
    }
    const size = 1 + int(600);
    const p = heap.reallocate(victim, size);
    if (p === 0) return '';
    const bad = overlapOf(p, size, victim);
    if (bad) return bad;
    live.delete(victim);
    live.set(p, size);
    return '';
  };

  const stray = () => {
    if (spec.kind === 'after-free') {
      if (freed.length === 0) heap.free(heap.allocate(32)), freed.push(0);
      const p = freed[int(freed.length)] || words.length * 4 - 64;
      for (let i = 0, count = 1 + int(4); i < count; i++) words[(p >> 2) + int(4)] = plausible();
    } else if (spec.kind === 'overrun') {
      const keys = [...live.keys()];
      const p = keys.length ? keys[int(keys.length)] : 8;
      const from = p + (live.get(p) ?? 0);
      const len = 1 + int(100);
      const byWords = r() < 0.5;
      const word = plausible();
      for (let i = 0; i < len && from + i < POOL; i++) dv.setUint8(from + i, byWords ? (word >>> (((from + i) & 3) * 8)) & 255 : int(256));
    } else {
      words[int(words.length)] = plausible();
    }
  };

  try {
    for (let i = 0; i < BEFORE; i++) {
      const bad = step();
      if (bad) return { outcome: 'overlap', detail: `before the stray write: ${bad}` };
    }
    stray();
    for (let i = 0; i < AFTER; i++) {
      const bad = step();
      if (bad) return { outcome: 'overlap', detail: bad };
    }
    heap.check();
    return { outcome: 'harmless', detail: '' };
  } catch (e) {
    if (e instanceof AllocatorError) return { outcome: 'detected', detail: e.code };
    return { outcome: 'untyped', detail: String(e) };
  }
}
