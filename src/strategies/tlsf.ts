/**
 * Two-level segregated fit (Masmano et al., 2004): O(1) find, insert and remove, whatever the number of
 * free blocks. Free blocks sit in buckets by size; two bitmaps say which buckets are non-empty.
 *
 *   first level (fl): power of two of the size       second level (sl): 8 equal slices of that range
 *
 *   H_FL_BITMAP   [ ... 0 1 0 1 1 ]  bit fl set <=> slBitmap[fl] != 0
 *   slBitmap[fl]  [ 8 bits ]         bit sl set <=> heads[fl][sl] != 0
 *   heads[fl][sl] -> [ free ] <-> [ free ] -> 0     (links at b+0 / b+8 XOR-ed with the salt, as in pool.ts)
 *
 *   roots, from H_ROOTS, 9 words per first-level class (so a bucket's index needs no header read):
 *   [ slBitmap[0] heads[0][0..7] ][ slBitmap[1] heads[1][0..7] ] ...
 *
 *   size < 64:   fl = 0, sl = size / 8                      (exact classes of 8 bytes)
 *   size >= 64:  fl = log2(size) - 5, sl = the next 3 bits below the top bit
 *
 * 8 slices, not the paper's 16 or 32: half the roots (a pool's header is its smallest pools' largest
 * loss), and the own-bucket scan below takes back most of what a coarser class skips.
 *
 * The top, the free block that ends at the heap end, is not in a bucket: H_TOP names it (dlmalloc's
 * "top chunk"), so that it grows and shrinks without list work: allocating from it, or freeing the
 * block next to it, touches no bucket. It is chosen as if it were in its bucket, behind the bucket's
 * own blocks: when no bucket has a fit, or when it lies in a lower class than the fit found. A free
 * block is the top exactly when it ends at the heap end; insert, remove and replace decide by that.
 *
 * find() first looks at no more than FALLBACK_SCAN blocks of the request's own bucket (all within 1/8
 * of the request): a close fit keeps larger blocks whole for larger requests. Failing that it searches
 * the bitmaps from the next class up, where any block is large enough (two bit scans, Math.clz32),
 * and takes the smaller of that bucket's first two blocks. Either way the bound stays constant.
 * Where in the block found a request goes is highEnd()'s rule: requests of up to 256 bytes from its
 * high end, and of the top only blocks of up to 128 bytes, so that small blocks gather apart from
 * large ones (docs/design.md, "Where TLSF places a block").
 *
 * The allocate and free of release pools are tlsf-allocator.ts's methods; they use the bucket
 * functions below (m and the salt passed in: XS meters every property read).
 */
import { BUILD_GENERIC_TLSF, BUILD_MESSAGES, frozenOnDevice } from '../build.js';
import { badLink, corrupted } from '../guard.js';
import { H_FL_BITMAP, H_FL_COUNT, H_ROOTS, H_SALT, H_TOP, type FreeStructure, type Pool } from '../pool.js';
import { preempt } from '../preempt.js';

export const SL_LOG2 = 3;
export const SL_COUNT = 1 << SL_LOG2;
/** Words per first-level class in the roots: its second-level bitmap and SL_COUNT bucket heads. */
export const ROW = SL_COUNT + 1;
export const SMALL_LOG2 = SL_LOG2 + 3;
/** Below this every size has a bucket of its own (fl 0). */
export const SMALL = 1 << SMALL_LOG2;
export const FALLBACK_SCAN = 4;
/** The largest block cut from the high end of a bucket's block: requests of up to 256 bytes. */
export const HIGH_END_MAX = 264;
/** The largest block cut from the top's far end: the sizes below 128 have a class of their own, 8 bytes wide. */
export const TOP_HIGH_END_MAX = 2 * SMALL;

/** Math.clz32 as a module constant: XS then reads one name instead of a global and a property. */
export const clz32 = Math.clz32;

/** The first-level class of a block of `size` bytes: 0 below SMALL, else log2(size) - 5. @inline */
export function flOf(size: number): number {
  return size < SMALL ? 0 : 31 - clz32(size) - (SMALL_LOG2 - 1);
}

/** The second-level class of a block of `size` bytes in first-level class `fl`. @inline */
export function slOf(size: number, fl: number): number {
  return fl === 0 ? size >>> 3 : (size >>> (fl + (SMALL_LOG2 - 1 - SL_LOG2))) ^ SL_COUNT;
}

/** The smallest block size of bucket [fl][sl]. @inline */
export function bucketFloor(fl: number, sl: number): number {
  return fl === 0 ? sl << 3 : (SL_COUNT + sl) << (fl + (SMALL_LOG2 - SL_LOG2 - 1));
}

/** Word index of heads[fl][sl] for a block of `size` bytes. */
function bucketOf(size: number): number {
  const fl = flOf(size);
  return H_ROOTS + fl * ROW + 1 + slOf(size, fl);
}

/**
 * Puts free block `b` at the head of bucket [fl][sl] (`k`: the salt; `row`: the class's row in the roots,
 * H_ROOTS + fl * ROW, which callers have at hand). Never the top. @inline
 */
export function bucketPush(m: Int32Array, k: number, b: number, fl: number, sl: number, row: number): void {
  const head = m[row + 1 + sl];
  // The head is written through: it must read as a head (no prev); outside the pool it reads undefined.
  if (head !== 0) {
    if (m[(head >> 2) + 2] !== k) corrupted(head, BUILD_MESSAGES && `TLSF bucket head ${head} is not a free block`);
    m[(head >> 2) + 2] = b ^ k;
  } else {
    m[row] |= 1 << sl;
    m[H_FL_BITMAP] |= 1 << fl;
  }
  m[b >> 2] = head ^ k;
  m[(b >> 2) + 2] = k;
  m[row + 1 + sl] = b;
}

/** Puts free block `b` of `size` bytes at the head of its bucket. Never the top. @inline */
export function bucketInsert(m: Int32Array, k: number, b: number, size: number): void {
  const fl = flOf(size);
  bucketPush(m, k, b, fl, slOf(size, fl), H_ROOTS + fl * ROW);
}

/**
 * Safe unlinking: the neighbours of `b` (decoded links `next`, `prev`; `head`, the word of its bucket's
 * head) point back at it. A link that leads outside the pool reads undefined and fails the same test,
 * so no range check is needed: a word is only ever written after it was read back holding the expected
 * link. @inline
 */
export function linksBack(m: Int32Array, k: number, b: number, next: number, prev: number, head: number): boolean {
  return (next === 0 || (m[(next >> 2) + 2] ^ k) === b) && (prev !== 0 ? (m[prev >> 2] ^ k) === b : m[head] === b);
}

/** When linksBack fails: which link is broken (HEAP_CORRUPTED). */
export function checkLinks(m: Int32Array, k: number, b: number, next: number, prev: number, head: number): never {
  if (next !== 0 && (m[(next >> 2) + 2] ^ k) !== b) corrupted(b, BUILD_MESSAGES && `TLSF link broken (next ${next} does not point back)`);
  return corrupted(b, BUILD_MESSAGES && `TLSF link broken (prev ${prev})`);
}

/** Takes free block `b` (not the top) out of bucket [fl][sl] of `row`, after the safe-unlinking test. @inline */
export function bucketUnlink(m: Int32Array, k: number, b: number, fl: number, sl: number, row: number): void {
  const head = row + 1 + sl;
  const next = m[b >> 2] ^ k;
  const prev = m[(b >> 2) + 2] ^ k;
  if (!linksBack(m, k, b, next, prev, head)) checkLinks(m, k, b, next, prev, head);
  if (next !== 0) m[(next >> 2) + 2] = prev ^ k;
  if (prev !== 0) m[prev >> 2] = next ^ k;
  else if ((m[head] = next) === 0 && (m[row] &= ~(1 << sl)) === 0) m[H_FL_BITMAP] &= ~(1 << fl);
}

/** Takes free block `b` of `size` bytes (not the top) out of its bucket. @inline */
export function bucketRemove(m: Int32Array, k: number, b: number, size: number): void {
  const fl = flOf(size);
  bucketUnlink(m, k, b, fl, slOf(size, fl), H_ROOTS + fl * ROW);
}

/**
 * Block `b` takes the place of free block `old` in its list (the bucket, whose head is at word `head`,
 * stays the same), after the safe-unlinking test on `old`'s neighbours. @inline
 */
export function relink(m: Int32Array, k: number, old: number, b: number, head: number): void {
  const next = m[old >> 2] ^ k;
  const prev = m[(old >> 2) + 2] ^ k;
  if (!linksBack(m, k, old, next, prev, head)) checkLinks(m, k, old, next, prev, head);
  m[b >> 2] = next ^ k;
  m[(b >> 2) + 2] = prev ^ k;
  if (next !== 0) m[(next >> 2) + 2] = b ^ k;
  if (prev !== 0) m[prev >> 2] = b ^ k;
  else m[head] = b;
}

/**
 * bucketRemove(old) then bucketInsert(b), in one call: free block `b` of `size` bytes replaces free
 * block `old` (the same block grown, or a neighbour), in another bucket. `old` 0 only inserts, `b` 0
 * only removes: the one called form of each, for the paths where a call costs less than the bytes
 * of another expansion (the free structure's methods, reallocate's rarer shapes).
 */
export function bucketMove(m: Int32Array, k: number, old: number, oldSize: number, b: number, size: number): void {
  if (old !== 0) bucketRemove(m, k, old, oldSize);
  if (b !== 0) bucketInsert(m, k, b, size);
}

/** Free block `b` of `size` bytes takes the place of free block `old` (neither is the top). */
export function bucketReplace(m: Int32Array, k: number, old: number, oldSize: number, b: number, size: number): void {
  const bucket = bucketOf(size);
  if (bucket !== bucketOf(oldSize)) bucketMove(m, k, old, oldSize, b, size);
  else if (old !== b) relink(m, k, old, b, bucket);
}

function insert(P: Pool, b: number, size: number): void {
  if (b + size === P.end) P.m[H_TOP] = b;
  else bucketMove(P.m, P.m[H_SALT], 0, 0, b, size);
}

function remove(P: Pool, b: number, size: number): void {
  if (b + size === P.end) P.m[H_TOP] = 0;
  else bucketMove(P.m, P.m[H_SALT], b, size, 0, 0);
}

function replace(P: Pool, old: number, oldSize: number, b: number, size: number): void {
  const m = P.m;
  if (b + size === P.end) {
    // A split of the top, or a merge that reaches the heap end: `b` is the top.
    if (old + oldSize !== P.end) bucketMove(m, m[H_SALT], old, oldSize, 0, 0);
    m[H_TOP] = b;
  } else if (old + oldSize === P.end) {
    // The top cut at its high end: the rest no longer ends the heap.
    m[H_TOP] = 0;
    bucketMove(m, m[H_SALT], 0, 0, b, size);
  } else {
    bucketReplace(m, m[H_SALT], old, oldSize, b, size);
  }
}

/** The placement policy's one statement (TlsfAllocator's allocate expands the same two tests). */
function highEnd(P: Pool, b: number, size: number, need: number): boolean {
  return b + size === P.end ? need <= TOP_HIGH_END_MAX : need <= HIGH_END_MAX;
}

function find(P: Pool, size: number): number {
  const m = P.m;
  const k = m[H_SALT];
  let b = m[bucketOf(size)];
  // A bounded scan; what it returns is checked by the core (freeSizeAt) before use.
  for (let i = 0; b !== 0 && i < FALLBACK_SCAN; i++, b = m[b >> 2] ^ k) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return b;
  }
  // From the next class up, every block fits; the top last.
  let fl = flOf(size);
  let slMap = m[H_ROOTS + fl * ROW] & (-2 << slOf(size, fl));
  if (slMap === 0) {
    const flMap = m[H_FL_BITMAP] & (-2 << fl);
    // The top, last; what it says of itself is checked by the core like any candidate.
    if (flMap === 0) {
      const t = m[H_TOP];
      return t !== 0 && m[(t >> 2) + 1] >= size ? t : 0;
    }
    fl = 31 - clz32(flMap & -flMap);
    slMap = m[H_ROOTS + fl * ROW];
    if (slMap === 0) corrupted(0, BUILD_MESSAGES && `TLSF first-level bitmap names class ${fl}, which is empty`);
  }
  const sl = 31 - clz32(slMap & -slMap);
  b = m[H_ROOTS + fl * ROW + 1 + sl];
  if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
  // The smaller of the bucket's first two blocks (TlsfAllocator.allocate does the same).
  const c = m[b >> 2] ^ k;
  if (c !== 0 && m[(c >> 2) + 1] < m[(b >> 2) + 1]) b = c;
  // The top instead when it lies in a lower class than the block found (TlsfAllocator.allocate does the same).
  const t = m[H_TOP];
  const ts = m[(t >> 2) + 1];
  return t !== 0 && ts >= size && ts < bucketFloor(fl, sl) ? t : b;
}

export const structure: FreeStructure = /*#__PURE__*/ frozenOnDevice<FreeStructure>({
  id: 5,
  rootWords: (poolSize) => (flOf(poolSize) + 1) * ROW,
  init(m, poolSize) {
    m[H_FL_COUNT] = flOf(poolSize) + 1;
  },
  insert,
  remove,
  replace,
  highEnd,
  // Only the generic core calls it (debug and traced pools): a bundle that has neither leaves it out.
  find: BUILD_GENERIC_TLSF ? find : (undefined as never),
  forEach(P, visit) {
    const m = P.m;
    const k = m[H_SALT];
    const end = P.start >> 2;
    if (m[H_TOP] !== 0 && !visit(m[H_TOP])) return;
    for (let row = H_ROOTS; row + ROW <= end; row += ROW) {
      for (let sl = 1; sl <= SL_COUNT; sl++) {
        // visit() sees a bad link first and stops the walk; the bound is the visitor's.
        for (let b = m[row + sl]; b !== 0; b = badLink(P, b) ? 0 : m[b >> 2] ^ k) if (!visit(b)) return;
      }
    }
  },
  verify(P, b) {
    const m = P.m;
    const k = m[H_SALT];
    const size = m[(b >> 2) + 1];
    if (b + size === P.end) return b === m[H_TOP] ? '' : BUILD_MESSAGES ? 'the free block at the heap end is not the TLSF top' : '!';
    if (b === m[H_TOP]) return BUILD_MESSAGES ? 'the TLSF top does not end at the heap end' : '!';
    const fl = flOf(size);
    const sl = slOf(size, fl);
    if (fl >= m[H_FL_COUNT]) return BUILD_MESSAGES ? `size ${size} beyond the last TLSF class` : '!';
    const next = m[b >> 2] ^ k;
    const prev = m[(b >> 2) + 2] ^ k;
    if (prev === 0 && m[bucketOf(size)] !== b) return BUILD_MESSAGES ? `not the head of its TLSF bucket [${fl}][${sl}]` : '!';
    if (prev !== 0 && (badLink(P, prev) || (m[prev >> 2] ^ k) !== b || bucketOf(m[(prev >> 2) + 1]) !== bucketOf(size))) {
      return BUILD_MESSAGES ? `TLSF bucket [${fl}][${sl}] link broken (prev ${prev})` : '!';
    }
    if (next !== 0 && (badLink(P, next) || (m[(next >> 2) + 2] ^ k) !== b)) return BUILD_MESSAGES ? `TLSF bucket link broken (next ${next})` : '!';
    if (!(m[H_ROOTS + fl * ROW] & (1 << sl)) || !(m[H_FL_BITMAP] & (1 << fl))) return BUILD_MESSAGES ? `TLSF bitmap misses bucket [${fl}][${sl}]` : '!';
    return '';
  },
});
