/**
 * Everything that reads the whole pool: pointer validation, check() (a full walk that names the first
 * bad block), stats(), the block iterator for heap maps, and the debug canaries and poison.
 * None of this is on the allocate/free fast path except validatePointer's O(1) release checks.
 */
import { BUILD_DEBUG, BUILD_MESSAGES } from './build.js';
import { AllocatorError } from './errors.js';
import {
  CANARY_BYTE, FLAG_MASK, H_ALLOCS, H_FAILED, H_FREES, H_HEAP_END, H_HEAP_START, H_PEAK_USED, H_POOL_SIZE,
  H_USED_BLOCKS, H_USED_BYTES, MIN_BLOCK, OVERHEAD, POISON_BYTE, PREV_FREE, USED, blockSizeOf, checkWord, type Pool,
} from './pool.js';
import type { AllocatorStats, BlockInfo } from './types.js';

/**
 * The block of pointer `p`, or a typed error. Release builds check range, alignment, the USED bit and
 * the salted check word (O(1)); debug pools also walk the heap to prove `p` starts a block.
 */
export function validatePointer(P: Pool, p: unknown, what: string): number {
  const m = P.m;
  const b = (p as number) - OVERHEAD;
  // (p >>> 0) === p: a number, an integer, not negative. One test for the common case; the reason on failure.
  if (((p as number) >>> 0) !== p || (b & 7) !== 0 || b < m[H_HEAP_START] || b >= m[H_HEAP_END]) {
    throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && (typeof p === 'number' && Number.isInteger(p)
      ? `${what}: ${p} is not a pointer of this pool (out of range or misaligned)`
      : `${what}: pointer must be an integer offset (got ${describe(p)})`), typeof p === 'number' ? p : undefined);
  }
  if (BUILD_DEBUG !== 0 && P.debug) {
    // Exact: walk to the block that holds b.
    let x = m[H_HEAP_START];
    let size = 0;
    for (; x <= b; x += size) {
      size = m[(x >> 2) + 1] & ~FLAG_MASK;
      if (size === 0 || x + size > b) break;
    }
    const used = (m[(x >> 2) + 1] & USED) !== 0;
    if (!used) throw new AllocatorError('DOUBLE_FREE', BUILD_MESSAGES && `${what}: ${p} lies in free memory (already freed)`, b + OVERHEAD);
    if (x !== b) throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && `${what}: ${p} points inside the block at ${x + OVERHEAD}`, b + OVERHEAD);
    const bad = canaryProblem(P, b);
    if (bad) throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `${what}: block at ${b}: ${bad}`, b);
    return b;
  }
  const h = m[(b >> 2) + 1];
  const size = h & ~FLAG_MASK;
  if ((h & USED) === 0 || m[b >> 2] !== checkWord(m, b) || size < MIN_BLOCK || b + size > m[H_HEAP_END]) {
    // A freed block keeps a plausible free header (also when it was merged away): call that a double free.
    const plausible = size >= MIN_BLOCK && b + size <= m[H_HEAP_END];
    if ((h & USED) === 0 && plausible) throw new AllocatorError('DOUBLE_FREE', BUILD_MESSAGES && `${what}: ${p} was already freed`, b + OVERHEAD);
    throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && `${what}: ${p} is not the start of an allocated block`, b + OVERHEAD);
  }
  return b;
}

function describe(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v;
}

/** Debug pools: the bytes between the requested size and the block end must still be canaries. */
function canaryProblem(P: Pool, b: number): string {
  const end = b + blockSizeOf(P.m, b);
  const requested = P.m[(end >> 2) - 1];
  if (requested < 0 || b + OVERHEAD + requested > end - 8) return `overrun: the requested-size word was overwritten`;
  for (let i = b + OVERHEAD + requested; i < end - 4; i++) {
    if (P.u8[i] !== CANARY_BYTE) return `overrun: canary byte at ${i} (${i - b - OVERHEAD - requested} bytes past the end of the ${requested}-byte request) was overwritten`;
  }
  return '';
}

function corrupted(b: number, why: string | false): never {
  throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `block at ${b}: ${why}`, b);
}

/** Walks every block and every free-structure entry; throws HEAP_CORRUPTED naming the first bad one. */
export function checkPool(P: Pool): void {
  const m = P.m;
  const start = m[H_HEAP_START];
  const end = m[H_HEAP_END];
  // One bit per 8-byte granule: which offsets start a free block, to match the free structure against.
  const freeStarts = new Uint8Array(((end - start) >> 6) + 1);
  let usedBytes = 0, usedBlocks = 0, freeBlocks = 0;
  let prevFree = false;
  let b = start;
  while (b < end) {
    const h = m[(b >> 2) + 1];
    const size = h & ~FLAG_MASK;
    if (size < MIN_BLOCK || (size & 7) !== 0 || b + size > end) corrupted(b, BUILD_MESSAGES && `bad size ${size}`);
    if (!!(h & PREV_FREE) !== prevFree) corrupted(b, BUILD_MESSAGES && `PREV_FREE flag says ${!prevFree ? 'free' : 'used'}, the previous block is ${prevFree ? 'free' : 'used'}`);
    if (h & USED) {
      if (m[b >> 2] !== checkWord(m, b)) corrupted(b, BUILD_MESSAGES && `check word overwritten (an underrun of the previous block?)`);
      if (BUILD_DEBUG !== 0 && P.debug) {
        const bad = canaryProblem(P, b);
        if (bad) corrupted(b, bad);
      }
      usedBytes += size;
      usedBlocks++;
      prevFree = false;
    } else {
      if (prevFree) corrupted(b, BUILD_MESSAGES && `two adjacent free blocks (missed coalescing)`);
      if (h & FLAG_MASK) corrupted(b, BUILD_MESSAGES && `free block with flags ${h & FLAG_MASK}`);
      if (m[((b + size) >> 2) - 1] !== size) corrupted(b, BUILD_MESSAGES && `footer ${m[((b + size) >> 2) - 1]} does not match size ${size}`);
      if (BUILD_DEBUG !== 0 && P.debug) {
        for (let i = b + 12; i < b + size - 4; i++) {
          if (P.u8[i] !== POISON_BYTE) corrupted(b, BUILD_MESSAGES && `freed memory written at ${i} (use after free)`);
        }
      }
      const g = (b - start) >> 3;
      freeStarts[g >> 3] |= 1 << (g & 7);
      freeBlocks++;
      prevFree = true;
    }
    b += size;
  }
  if (b !== end) corrupted(b, BUILD_MESSAGES && `blocks overrun the end sentinel at ${end}`);
  const eh = m[(end >> 2) + 1];
  if (eh !== (USED | (prevFree ? PREV_FREE : 0)) || m[end >> 2] !== checkWord(m, end)) corrupted(end, BUILD_MESSAGES && `end sentinel overwritten`);
  let listed = 0;
  let bad = '';
  let badBlock = 0;
  P.s.forEach(m, (f) => {
    const g = (f - start) >> 3;
    if (f < start || f >= end || (f & 7) !== 0 || !(freeStarts[g >> 3] & (1 << (g & 7)))) {
      bad = BUILD_MESSAGES ? `the free structure holds it, but it is not a free block (or is listed twice)` : '!';
    } else {
      freeStarts[g >> 3] &= ~(1 << (g & 7)); // seen once; a second visit (a cycle) fails above
      bad = P.s.verify(m, f);
    }
    badBlock = f;
    return !bad && ++listed <= freeBlocks;
  });
  if (bad) corrupted(badBlock, bad);
  if (listed !== freeBlocks) corrupted(start, BUILD_MESSAGES && `free structure holds ${listed} blocks, the heap has ${freeBlocks} free blocks`);
  if (usedBytes !== m[H_USED_BYTES] || usedBlocks !== m[H_USED_BLOCKS]) {
    corrupted(start, BUILD_MESSAGES && `counters say ${m[H_USED_BLOCKS]} used blocks of ${m[H_USED_BYTES]} bytes, the heap has ${usedBlocks} of ${usedBytes}`);
  }
}

/** Every block in address order. An array, not a generator: a generator function's prototype is a
 * writable object, which xsl reports ("not frozen") and which costs RAM in a preloaded module. */
export function walkBlocks(P: Pool): BlockInfo[] {
  const m = P.m;
  const end = m[H_HEAP_END];
  const list: BlockInfo[] = [];
  for (let b = m[H_HEAP_START]; b < end; ) {
    const size = blockSizeOf(m, b);
    if (size === 0) break; // corrupted: check() says where; a heap map must not loop forever
    list.push({ offset: b, pointer: b + OVERHEAD, size, used: (m[(b >> 2) + 1] & USED) !== 0 });
    b += size;
  }
  return list;
}

export function poolStats(P: Pool): AllocatorStats {
  const m = P.m;
  const heapSize = m[H_HEAP_END] - m[H_HEAP_START];
  let freeBlocks = 0, largest = 0;
  // A free structure damaged into a cycle must not hang stats(): no pool holds more free blocks.
  const most = heapSize / MIN_BLOCK;
  P.s.forEach(m, (b) => {
    const size = m[(b >> 2) + 1];
    if (size > largest) largest = size;
    return ++freeBlocks <= most;
  });
  if (freeBlocks > most) corrupted(m[H_HEAP_START], BUILD_MESSAGES && 'the free structure loops');
  const freeBytes = heapSize - m[H_USED_BYTES];
  const debugExtra = BUILD_DEBUG !== 0 && P.debug ? 8 : 0;
  return {
    poolSize: m[H_POOL_SIZE],
    heapSize,
    usedBytes: m[H_USED_BYTES],
    freeBytes,
    largestFreeBlock: largest === 0 ? 0 : largest - OVERHEAD - debugExtra,
    usedBlocks: m[H_USED_BLOCKS],
    freeBlocks,
    peakUsedBytes: m[H_PEAK_USED],
    failedAllocations: m[H_FAILED],
    allocations: m[H_ALLOCS],
    frees: m[H_FREES],
    fragmentation: freeBytes === 0 ? 0 : 1 - largest / freeBytes,
  };
}
