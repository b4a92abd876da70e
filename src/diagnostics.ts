/**
 * Everything that reads the whole pool: pointer validation, check() (a full walk that names the first
 * bad block), stats(), the block iterator for heap maps. None of this is on the allocate/free fast
 * path except validatePointer's O(1) release checks. Every walk is bounded and every failure of
 * check() is HEAP_CORRUPTED, whatever the pool holds.
 */
import { BUILD_DEBUG, BUILD_MESSAGES } from './build.js';
import { AllocatorError, CALL_NAMES, NUMBER } from './errors.js';
import { badLink, corrupted } from './guard.js';
import { canaryProblem, isTombstone, poisonProblem } from './poison.js';
import {
  FLAG_MASK, H_ALLOCS, H_CONFIG, H_FAILED, H_FREES, H_HEAP_END, H_HEAP_START, H_MAGIC, H_PEAK_USED, H_POOL_SIZE, H_SALT,
  H_USED_BYTES, H_VERSION, MAGIC, MIN_BLOCK, OVERHEAD, PREV_FREE, USED, VERSION, checkWord, type Pool,
} from './pool.js';
import type { AllocatorStats, BlockInfo } from './types.js';

/**
 * Whether a refused pointer is one that was freed: a free block starts at `b` (its header, footer and
 * links are sound, and some block was freed since format), or `b` holds the tombstone of a block freed
 * into its predecessor. Old pointers after reset() are neither: the salt changed, so their check
 * words and links no longer decode.
 */
function wasFreed(P: Pool, b: number, frees: number): boolean {
  const m = P.m;
  if (isTombstone(m, b)) return true;
  const size = m[(b >> 2) + 1];
  const k = m[H_SALT];
  // Nothing freed since format: the free block at the heap start was never a pointer of this pool.
  return frees > 0 && (size & 7) === 0 && size >= MIN_BLOCK && size <= P.end - b && m[((b + size) >> 2) - 1] === size
    && !badLink(P, m[b >> 2] ^ k) && !badLink(P, m[(b >> 2) + 2] ^ k);
}

/**
 * The block of pointer `p`, or a typed error. Release builds check range, alignment, the USED bit and
 * the salted check word (O(1)); debug pools also walk the heap to prove `p` starts a block. `frees`
 * (the count of frees since format: none, and no free block was ever a pointer) is the header's unless
 * the caller keeps it (tlsf-allocator.ts).
 */
export function validatePointer(P: Pool, p: unknown, call: number, frees = P.m[H_FREES]): number {
  const m = P.m;
  // typeof first: `>>>` on a BigInt or a Symbol throws a TypeError.
  const b = typeof p === NUMBER ? (p as number) - OVERHEAD : -1;
  // (p >>> 0) === p: an integer, not negative. One test for the common case; the reason on failure.
  if (b < P.start || ((p as number) >>> 0) !== p || (b & 7) !== 0 || b >= P.end) {
    throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && (typeof p === 'number' && Number.isInteger(p)
      ? `${CALL_NAMES[call]}: ${p} is not a pointer of this pool (out of range or misaligned)`
      : `${CALL_NAMES[call]}: pointer must be an integer offset (got ${describe(p)})`), typeof p === 'number' ? p : undefined);
  }
  if (BUILD_DEBUG !== 0 && P.debug) {
    // Exact: walk to the block that holds b (bounded: every step moves forward by a sane size).
    let x = P.start;
    for (;;) {
      const size = m[(x >> 2) + 1] & ~FLAG_MASK;
      if (size < MIN_BLOCK || size > P.end - x) corrupted(x, BUILD_MESSAGES && `bad size ${size} on the way to ${p}`);
      if (x + size > b) break;
      x += size;
    }
    const used = (m[(x >> 2) + 1] & USED) !== 0;
    if (x === b && used) {
      const bad = canaryProblem(P, b);
      if (bad) throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `${CALL_NAMES[call]}: block at ${b}: ${bad}`, b);
      return b;
    }
    if (!used && ((x === b && frees > 0) || isTombstone(m, b))) throw new AllocatorError('DOUBLE_FREE', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${p} was already freed`, p as number);
    throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${p} is not the start of an allocated block (it lies inside the ${used ? 'used' : 'free'} block at ${x})`, p as number);
  }
  const h = m[(b >> 2) + 1];
  const size = h & ~FLAG_MASK;
  if ((h & USED) === 0 || m[b >> 2] !== checkWord(m, b) || size < MIN_BLOCK || size > P.end - b) {
    if ((h & USED) === 0 && wasFreed(P, b, frees)) throw new AllocatorError('DOUBLE_FREE', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${p} was already freed`, p as number);
    throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${p} is not the start of an allocated block`, p as number);
  }
  return b;
}

/** For the release checks of TlsfAllocator (guard.ts isUsedBlock): the error validatePointer gives for `p`. */
export function refusePointer(P: Pool, p: unknown, call: number, frees: number): never {
  validatePointer(P, p, call, frees);
  throw new AllocatorError('INVALID_POINTER', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${String(p)} is not the start of an allocated block`, p as number);
}

/** A statistics word of the header. */
function stat(P: Pool, word: number): number {
  return P.m[word];
}

function describe(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v;
}

/** The header words the allocator relies on, against what this allocator knows of its pool. */
function checkHeader(P: Pool): void {
  const m = P.m;
  const bad = m[H_MAGIC] !== MAGIC ? 'magic' : m[H_VERSION] !== VERSION ? 'version' : m[H_POOL_SIZE] !== P.u8.length ? 'pool size'
    : (m[H_CONFIG] & 0xff) !== P.s.id ? 'strategy' : m[H_HEAP_START] !== P.start ? 'heap start' : m[H_HEAP_END] !== P.end ? 'heap end' : '';
  if (bad) corrupted(0, BUILD_MESSAGES && `pool header word '${bad}' overwritten`);
}

/** Walks every block and every free-structure entry; throws HEAP_CORRUPTED naming the first bad one. */
export function checkPool(P: Pool): void {
  checkHeader(P);
  const m = P.m;
  const { start, end } = P;
  // One bit per 8-byte granule: which offsets start a free block, to match the free structure against.
  const freeStarts = new Uint8Array(((end - start) >> 6) + 1);
  let usedBytes = 0, usedBlocks = 0, freeBlocks = 0;
  let prevFree = false;
  let b = start;
  while (b < end) {
    const h = m[(b >> 2) + 1];
    const size = h & ~FLAG_MASK;
    if (size < MIN_BLOCK || size > end - b) corrupted(b, BUILD_MESSAGES && `bad size ${size}`);
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
        const i = poisonProblem(P, b + 12, b + size - 4);
        if (i >= 0) corrupted(b, BUILD_MESSAGES && `freed memory written at ${i} (use after free)`);
      }
      const g = (b - start) >> 3;
      freeStarts[g >> 3] |= 1 << (g & 7);
      freeBlocks++;
      prevFree = true;
    }
    b += size;
  }
  const eh = m[(end >> 2) + 1];
  if (eh !== (USED | (prevFree ? PREV_FREE : 0)) || m[end >> 2] !== checkWord(m, end)) corrupted(end, BUILD_MESSAGES && `end sentinel overwritten`);
  let listed = 0;
  let bad = '';
  let badBlock = 0;
  P.s.forEach(P, (f) => {
    const g = (f - start) >> 3;
    if (badLink(P, f) || !(freeStarts[g >> 3] & (1 << (g & 7)))) {
      bad = BUILD_MESSAGES ? `the free structure holds it, but it is not a free block (or is listed twice)` : '!';
    } else {
      freeStarts[g >> 3] &= ~(1 << (g & 7)); // seen once; a second visit (a cycle) fails above
      bad = P.s.verify(P, f);
    }
    badBlock = f;
    return !bad && ++listed <= freeBlocks;
  });
  if (bad) corrupted(badBlock, bad);
  if (listed !== freeBlocks) corrupted(start, BUILD_MESSAGES && `free structure holds ${listed} blocks, the heap has ${freeBlocks} free blocks`);
  const countedBlocks = stat(P, H_ALLOCS) - stat(P, H_FREES);
  if (usedBytes !== stat(P, H_USED_BYTES) || usedBlocks !== countedBlocks) {
    corrupted(start, BUILD_MESSAGES && `counters say ${countedBlocks} used blocks of ${stat(P, H_USED_BYTES)} bytes, the heap has ${usedBlocks} of ${usedBytes}`);
  }
}

/**
 * Every block in address order; stops where a size would leave the heap (check() says why). An array,
 * not a generator: a generator function's prototype is a writable object, which xsl reports ("not
 * frozen") and which costs RAM in a preloaded module.
 */
export function walkBlocks(P: Pool): BlockInfo[] {
  const m = P.m;
  const list: BlockInfo[] = [];
  for (let b = P.start; b < P.end; ) {
    const size = m[(b >> 2) + 1] & ~FLAG_MASK;
    if (size < MIN_BLOCK || size > P.end - b) break;
    list.push({ offset: b, pointer: b + OVERHEAD, size, used: (m[(b >> 2) + 1] & USED) !== 0 });
    b += size;
  }
  return list;
}

export function poolStats(P: Pool): AllocatorStats {
  const m = P.m;
  const heapSize = P.end - P.start;
  let freeBlocks = 0, largest = 0;
  // A free structure damaged into a cycle or out of the heap must not hang or mislead stats().
  const most = heapSize / MIN_BLOCK;
  let bad = false;
  P.s.forEach(P, (b) => {
    if (badLink(P, b)) return !(bad = true);
    const size = m[(b >> 2) + 1];
    if (size > largest && size <= P.end - b) largest = size;
    return ++freeBlocks <= most;
  });
  if (bad || freeBlocks > most) corrupted(P.start, BUILD_MESSAGES && 'the free structure loops or leaves the heap');
  const usedBytes = stat(P, H_USED_BYTES);
  const freeBytes = heapSize - usedBytes;
  const debugExtra = BUILD_DEBUG !== 0 && P.debug ? 8 : 0;
  return {
    poolSize: P.u8.length,
    heapSize,
    usedBytes,
    freeBytes,
    largestFreeBlock: largest === 0 ? 0 : largest - OVERHEAD - debugExtra,
    usedBlocks: stat(P, H_ALLOCS) - stat(P, H_FREES),
    freeBlocks,
    peakUsedBytes: stat(P, H_PEAK_USED),
    failedAllocations: m[H_FAILED],
    allocations: stat(P, H_ALLOCS),
    frees: stat(P, H_FREES),
    fragmentation: freeBytes === 0 ? 0 : 1 - largest / freeBytes,
  };
}
