/**
 * The seeded workload that runs the same bundle in XS and in Node (test/xs-parity.test.ts, and the
 * compute figures of docs/device.md). It is plain ES2018 script text, the body of a strict function
 * that finds the allocator module as `mcalloc` (a global in XS, a parameter in Node), so both engines
 * run exactly the same characters. Only numbers come back: a hash of the offsets returned, a hash of
 * the pool bytes (FNV-1a, computed inside the engine) and a few counts.
 *
 * The pool holds a salt that format() takes from Math.random(); the workload swaps in a seeded
 * function for its duration so that the pools of both engines can be byte-identical.
 */

/** The workload of the parity test and of the XS compute figures in docs/device.md. */
export const PARITY = { seed: 0x6d63616c /* 'mcal' */, operations: 20_000, checkEvery: 1_000 };

export interface WorkloadOptions {
  seed: number;
  /** allocate/reallocate/free calls. */
  operations: number;
  /** heap.check() after every this many operations (and at the end). */
  checkEvery: number;
  poolSize: number;
  strategy: string;
  lock: string;
  debug: boolean;
  /**
   * Script expression for the pool's buffer (default: a new buffer of poolSize bytes, zeroed: a
   * SharedArrayBuffer for the atomics lock, which refuses any other).
   */
  buffer?: string;
}

export interface WorkloadResult {
  operations: number;
  /** FNV-1a over the little-endian bytes of every offset returned (and every pointer freed), in order. */
  offsetsHash: number;
  /** FNV-1a over every byte of the pool at the end. */
  poolHash: number;
  failed: number;
  checks: number;
  live: number;
  usedBytes: number;
  freeBlocks: number;
  largestFreeBlock: number;
  /** The pool's salt (header word 5): seeded, unless the engine's Math.random could not be replaced. */
  salt: number;
}

/** The seeded PRNG of the scripts that run in XS and Node alike (script text). */
export const MULBERRY32 = `function mulberry32(a) {
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}`;

export function workloadScript(o: WorkloadOptions): string {
  return `
const SEED = ${o.seed >>> 0}, OPERATIONS = ${o.operations}, CHECK_EVERY = ${o.checkEvery}, POOL = ${o.poolSize};
const OPTIONS = { strategy: ${JSON.stringify(o.strategy)}, lock: ${JSON.stringify(o.lock)}, debug: ${o.debug} };
${MULBERRY32}
function fnv(h, byte) { return Math.imul(h ^ byte, 16777619) >>> 0; }
const rand = mulberry32(SEED);
const below = (n) => Math.floor(rand() * n);
/** Mostly small requests, some medium, a few large: the mix of a device heap. */
function size() {
  const r = rand();
  return r < 0.7 ? below(65) : r < 0.95 ? 65 + below(448) : 513 + below(POOL >> 4);
}
let offsets = 2166136261;
function record(v) { for (let i = 0; i < 32; i += 8) offsets = fnv(offsets, (v >>> i) & 255); }

const realRandom = Math.random;
let seeded = true;
try {
  Math.random = mulberry32(SEED ^ 0x5a17); // the pool salt: the same in every engine
} catch (e) {
  // A Moddable app whose Math was preloaded (frozen): the salt stays the engine's; the result reports
  // it, so that the other engine can be given the same one (test/moddable).
  seeded = false;
}
try {
  const heap = mcalloc.createAllocator(Object.assign({ buffer: ${o.buffer ?? (o.lock === 'atomics' ? 'new SharedArrayBuffer(POOL)' : 'new ArrayBuffer(POOL)')} }, OPTIONS));
  const u8 = new Uint8Array(heap.buffer);
  const live = []; // [pointer, size, first byte]
  let liveBytes = 0, failed = 0, checks = 0;
  const mark = (p, n) => {
    const first = below(256);
    if (n > 1) u8[p + n - 1] = below(256);
    if (n > 0) u8[p] = first;
    return first;
  };
  for (let op = 1; op <= OPERATIONS; op++) {
    const r = rand();
    // Keep the pool between about a third and two thirds full, so both splitting and merging happen.
    const grow = liveBytes < POOL / 3 ? 0.65 : liveBytes > (POOL * 2) / 3 ? 0.2 : 0.45;
    if (live.length === 0 || r < grow) {
      const n = size();
      const align = rand() < 0.05 ? 16 << below(5) : 0;
      const p = align ? heap.allocate(n, align) : heap.allocate(n);
      record(p);
      if (p === 0) failed++;
      else { live.push([p, n, mark(p, n)]); liveBytes += n; }
    } else if (r < grow + 0.25) {
      const i = below(live.length);
      const [p, old, first] = live[i];
      const n = size();
      const q = heap.reallocate(p, n);
      record(q);
      if (q === 0) failed++;
      else {
        if (old > 0 && n > 0 && u8[q] !== first) throw new Error('reallocate lost the contents at op ' + op);
        live[i] = [q, n, mark(q, n)];
        liveBytes += n - old;
      }
    } else {
      const i = below(live.length);
      const [p, n] = live[i];
      live[i] = live[live.length - 1];
      live.pop();
      liveBytes -= n;
      heap.free(p);
      record(p);
    }
    if (op % CHECK_EVERY === 0) { heap.check(); checks++; }
  }
  heap.check();
  let pool = 2166136261;
  for (let i = 0; i < u8.length; i++) pool = fnv(pool, u8[i]);
  const s = heap.stats();
  return { operations: OPERATIONS, offsetsHash: offsets, poolHash: pool, failed, checks, live: live.length,
    usedBytes: s.usedBytes, freeBlocks: s.freeBlocks, largestFreeBlock: s.largestFreeBlock,
    salt: new Int32Array(heap.buffer, 0, 8)[5] }; // the pool header's salt word (H_SALT, src/pool.ts)
} finally {
  if (seeded) Math.random = realRandom;
}
`;
}

/**
 * Runs the workload script in this Node process against an imported module namespace. With `salt`, the
 * pool gets that salt (the one another engine reported, when it could not seed its own): Math.random is
 * made read-only for the run, returning it, as a preloaded Moddable app's frozen Math stays unseeded.
 */
export function runWorkloadInNode(script: string, module: unknown, salt?: number): WorkloadResult {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the same text XS evaluates
  const body = new Function('mcalloc', `'use strict';\n${script}`) as (m: unknown) => WorkloadResult;
  if (salt === undefined) return body(module);
  const real = Object.getOwnPropertyDescriptor(Math, 'random')!;
  Object.defineProperty(Math, 'random', { value: () => (salt >>> 0) / 4294967296, writable: false, configurable: true });
  try {
    return body(module);
  } finally {
    Object.defineProperty(Math, 'random', real);
  }
}
