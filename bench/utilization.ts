/**
 * Memory efficiency: the smallest pool in which a contender completes a trace, by the tuner's search
 * (sim/tune/search.ts) with its downward scan off (`maxScan: 0`): from the peak of live requested bytes
 * rounded down to 8 (no pool smaller can hold them), doubling, then a binary search in 8-byte steps that only ever moves
 * its upper end to sizes that completed, so the answer always completed. One method for every
 * contender, mcalloc's strategies and thi.ng's alike. utilization = peak live requested bytes / that pool size.
 */
import { TraceTooLarge, searchSmallest } from '../sim/tune/search.js';
import { makeAdapter, type ContenderSpec, type CreateAllocator } from './contenders.js';
import { replay } from './harness.mjs';
import type { Program } from './program.js';

type Replayable = Pick<Program, 'name' | 'code' | 'slots' | 'peakLiveBytes'>;

function completes(spec: ContenderSpec, program: Replayable, poolSize: number, create: CreateAllocator): boolean {
  const A = makeAdapter(spec, poolSize, create);
  if (A === null) return false;
  return replay(A, program.code, new Array(program.slots).fill(0)) === -1;
}

/** Smallest completing pool size in bytes, or null if none up to the largest pool (2 GiB). */
export function minimalPool(spec: ContenderSpec, program: Replayable, create: CreateAllocator): number | null {
  try {
    // From the peak rounded down to 8 bytes, as the bench always searched (the same probes, so the same
    // answers as its runs before); with no scan, the trace's length (the scan's budget) does not matter.
    return searchSmallest((size) => completes(spec, program, size, create), Math.floor(program.peakLiveBytes / 8) * 8, 0, { maxScan: 0 }).size;
  } catch (e) {
    if (e instanceof TraceTooLarge) return null;
    throw e;
  }
}
