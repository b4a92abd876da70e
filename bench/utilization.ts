/**
 * Memory efficiency: the smallest pool in which a contender completes a trace, found by binary search
 * on the pool size in 8-byte steps, then verified by a fresh replay at that size. Allocators are not
 * guaranteed monotone in pool size, so the search only ever moves its upper end to sizes that completed:
 * the answer always completed. utilization = peak live requested bytes / that pool size.
 */
import { makeAdapter, type ContenderSpec, type CreateAllocator } from './contenders.js';
import { replay } from './harness.mjs';
import type { Program } from './program.js';

type Replayable = Pick<Program, 'name' | 'code' | 'slots' | 'peakLiveBytes'>;

const STEP = 8;
const LIMIT = 1 << 26;

function completes(spec: ContenderSpec, program: Replayable, poolSize: number, create: CreateAllocator): boolean {
  const A = makeAdapter(spec, poolSize, create);
  if (A === null) return false;
  return replay(A, program.code, new Array(program.slots).fill(0)) === -1;
}

/** Smallest completing pool size in bytes, or null if none up to 64 MiB. */
export function minimalPool(spec: ContenderSpec, program: Replayable, create: CreateAllocator): number | null {
  // No pool smaller than the peak of live bytes can hold them; the search starts there.
  let lo = Math.max(STEP, Math.floor(program.peakLiveBytes / STEP) * STEP);
  if (completes(spec, program, lo, create)) return lo;
  let hi = lo * 2;
  while (!completes(spec, program, hi, create)) {
    lo = hi;
    hi *= 2;
    if (hi > LIMIT) return null;
  }
  while (hi - lo > STEP) {
    const mid = lo + Math.floor((hi - lo) / 2 / STEP) * STEP;
    if (completes(spec, program, mid, create)) hi = mid;
    else lo = mid;
  }
  if (!completes(spec, program, hi, create)) throw new Error(`utilization: ${program.name}: verification at ${hi} bytes failed`);
  return hi;
}
