/**
 * Two-level segregated fit (Masmano et al., 2004): O(1) find, insert and remove, whatever the number of
 * free blocks. Free blocks sit in buckets by size; two bitmaps say which buckets are non-empty.
 *
 *   first level (fl): power of two of the size       second level (sl): 16 equal slices of that range
 *
 *   H_FL_BITMAP   [ ... 0 1 0 1 1 ]  bit fl set <=> slBitmap[fl] != 0
 *   slBitmap[fl]  [ 16 bits ]        bit sl set <=> heads[fl][sl] != 0
 *   heads[fl][sl] -> [ free ] <-> [ free ] -> 0     (links at b+0 / b+8 XOR-ed with the salt, as in pool.ts)
 *
 *   roots, from H_ROOTS, 17 words per first-level class (so a bucket's index needs no header read):
 *   [ slBitmap[0] heads[0][0..15] ][ slBitmap[1] heads[1][0..15] ] ...
 *
 *   size < 128:  fl = 0, sl = size / 8                      (exact classes of 8 bytes)
 *   size >= 128: fl = log2(size) - 6, sl = the next 4 bits below the top bit
 *
 * find() first looks at no more than FALLBACK_SCAN blocks of the request's own bucket (all within 1/16
 * of the request): a close fit keeps larger blocks whole for larger requests. Failing that it rounds the
 * request up to the next class boundary, so that any block in the bucket it picks is large enough (two
 * bit scans, Math.clz32). Either way the bound stays constant.
 *
 * Every mapping from a size to its bucket goes through bucketOf(); the row and the bits follow from the
 * bucket's index. replace() relinks in place when a split or merge leaves a block in its bucket (the
 * common case for the large free block at the end of the pool), which saves XS, an interpreter that
 * meters every call and typed-array access, a remove and an insert.
 */
import { BUILD_MESSAGES, frozenOnDevice } from '../build.js';
import { badLink, corrupted } from '../guard.js';
import { CHECK_MIX, FLAG_MASK, H_FL_BITMAP, H_FL_COUNT, H_ROOTS, H_SALT, MIN_BLOCK, PREV_FREE, USED, type FreeStructure, type Pool } from '../pool.js';
import { preempt } from '../preempt.js';

const SL_LOG2 = 4;
const SL_COUNT = 1 << SL_LOG2;
const ROW = SL_COUNT + 1;
const SMALL_LOG2 = SL_LOG2 + 3;
const SMALL = 1 << SMALL_LOG2;
const FALLBACK_SCAN = 4;

function flOf(size: number): number {
  return size < SMALL ? 0 : 31 - Math.clz32(size) - SMALL_LOG2 + 1;
}

function slOf(size: number): number {
  return size < SMALL ? size >>> 3 : (size >>> (31 - Math.clz32(size) - SL_LOG2)) ^ SL_COUNT;
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Word index of heads[fl][sl] for a block of `size` bytes. */
function bucketOf(size: number): number {
  if (size < SMALL) return H_ROOTS + 1 + (size >>> 3);
  const top = 31 - Math.clz32(size);
  return H_ROOTS + (top - SMALL_LOG2 + 1) * ROW + 1 + ((size >>> (top - SL_LOG2)) ^ SL_COUNT);
}

function insert(P: Pool, b: number, size: number): void {
  const m = P.m;
  const k = m[H_SALT];
  // bucketOf(), inline, keeping fl and sl for the bitmaps.
  let fl = 0;
  let sl = size >>> 3;
  if (size >= SMALL) {
    const top = 31 - Math.clz32(size);
    fl = top - SMALL_LOG2 + 1;
    sl = (size >>> (top - SL_LOG2)) ^ SL_COUNT;
  }
  const row = H_ROOTS + fl * ROW;
  const head = m[row + 1 + sl];
  const w = b >> 2;
  // The head is written through: it must read as a head (no prev); outside the pool it reads undefined.
  if (head !== 0) {
    if (m[(head >> 2) + 2] !== k) corrupted(head, BUILD_MESSAGES && `TLSF bucket head ${head} is not a free block`);
    m[(head >> 2) + 2] = b ^ k;
  }
  m[w] = head ^ k;
  m[w + 2] = k;
  m[row + 1 + sl] = b;
  m[row] |= 1 << sl;
  m[H_FL_BITMAP] |= 1 << fl;
}

/**
 * Safe unlinking: the neighbours of `b` (decoded links `next`, `prev`) must point back at it. A link
 * that leads outside the pool reads undefined and fails the same test, so no range check is needed:
 * a word is only ever written after it was read back holding the expected link. remove() and
 * replace() make the same test inline and call this only to report which link failed.
 */
function checkLinks(m: Int32Array, k: number, b: number, next: number, prev: number, bucket: number): void {
  if (next !== 0 && (m[(next >> 2) + 2] ^ k) !== b) corrupted(b, BUILD_MESSAGES && `TLSF link broken (next ${next} does not point back)`);
  if (prev !== 0 ? (m[prev >> 2] ^ k) !== b : m[bucket] !== b) corrupted(b, BUILD_MESSAGES && `TLSF link broken (prev ${prev})`);
}

function remove(P: Pool, b: number, size: number): void {
  const m = P.m;
  const k = m[H_SALT];
  let fl = 0;
  let sl = size >>> 3;
  if (size >= SMALL) {
    const top = 31 - Math.clz32(size);
    fl = top - SMALL_LOG2 + 1;
    sl = (size >>> (top - SL_LOG2)) ^ SL_COUNT;
  }
  const row = H_ROOTS + fl * ROW;
  const w = b >> 2;
  const next = m[w] ^ k;
  const prev = m[w + 2] ^ k;
  // checkLinks(), inlined on this hot path.
  if ((next !== 0 && (m[(next >> 2) + 2] ^ k) !== b) || (prev !== 0 ? (m[prev >> 2] ^ k) !== b : m[row + 1 + sl] !== b)) checkLinks(m, k, b, next, prev, row + 1 + sl);
  if (next !== 0) m[(next >> 2) + 2] = prev ^ k;
  if (prev !== 0) {
    m[prev >> 2] = next ^ k;
    return;
  }
  m[row + 1 + sl] = next;
  if (next === 0 && (m[row] &= ~(1 << sl)) === 0) m[H_FL_BITMAP] &= ~(1 << fl);
}

function replace(P: Pool, old: number, oldSize: number, b: number, size: number): void {
  const bucket = bucketOf(size);
  if (bucket !== bucketOf(oldSize)) {
    remove(P, old, oldSize);
    insert(P, b, size);
  } else if (old !== b) {
    relink(P.m, old, b, bucket);
  }
}

/**
 * Block `b` takes the place of free block `old` in its list (the bucket stays the same), after the
 * safe-unlinking test on `old`'s neighbours.
 */
function relink(m: Int32Array, old: number, b: number, bucket: number): void {
  const k = m[H_SALT];
  const next = m[old >> 2] ^ k;
  const prev = m[(old >> 2) + 2] ^ k;
  // checkLinks(), inlined on this hot path.
  if ((next !== 0 && (m[(next >> 2) + 2] ^ k) !== old) || (prev !== 0 ? (m[prev >> 2] ^ k) !== old : m[bucket] !== old)) checkLinks(m, k, old, next, prev, bucket);
  m[b >> 2] = next ^ k;
  m[(b >> 2) + 2] = prev ^ k;
  if (next !== 0) m[(next >> 2) + 2] = b ^ k;
  if (prev !== 0) m[prev >> 2] = b ^ k;
  else m[bucket] = b;
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
  const rounded = size < SMALL ? size : size + (1 << (31 - Math.clz32(size) - SL_LOG2)) - 1;
  let fl = flOf(rounded);
  // The class count is a header word: if it was overwritten, what the bitmaps lead to is still only a
  // candidate, which freeSizeAt() refuses unless it is a sound free block (undefined included).
  if (fl >= m[H_FL_COUNT]) return 0;
  let slMap = m[H_ROOTS + fl * ROW] & (-1 << slOf(rounded));
  if (slMap === 0) {
    const flMap = m[H_FL_BITMAP] & (-1 << (fl + 1));
    if (flMap === 0) return 0;
    fl = ctz(flMap);
    slMap = m[H_ROOTS + fl * ROW];
    if (slMap === 0) corrupted(0, BUILD_MESSAGES && `TLSF first-level bitmap names class ${fl}, which is empty`);
  }
  b = m[H_ROOTS + fl * ROW + 1 + ctz(slMap)];
  if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
  return b;
}

export const tlsf: FreeStructure = /*#__PURE__*/ frozenOnDevice<FreeStructure>({
  id: 5,
  rootWords: (poolSize) => (flOf(poolSize) + 1) * ROW,
  init(m, poolSize) {
    m[H_FL_COUNT] = flOf(poolSize) + 1;
  },
  insert,
  remove,
  replace,
  find,
  forEach(P, visit) {
    const m = P.m;
    const k = m[H_SALT];
    const end = P.start >> 2;
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
    const fl = flOf(size);
    const sl = slOf(size);
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

/*
 * The fast path. XS meters every call, property read and typed-array access, so the allocate and free
 * of a TLSF pool (the device default) are written out here in one function each: the search, the
 * checks of guard.ts, the split or merge and the relink in place, inline; remove() and insert() only
 * when a block changes bucket. The checks are the same as on the generic path (core.ts), which list
 * strategies, debug pools, aligned requests and reallocate use.
 */


/** Takes a free block of at least `need` bytes (>= 16, <= heap size) and marks it used; 0 if none. */
export function tlsfTake(P: Pool, need: number): number {
  const m = P.m;
  const k = m[H_SALT];
  let top = 31 - Math.clz32(need);
  const own = need < SMALL ? H_ROOTS + 1 + (need >>> 3) : H_ROOTS + (top - SMALL_LOG2 + 1) * ROW + 1 + ((need >>> (top - SL_LOG2)) ^ SL_COUNT);
  // Own bucket first (closer fits), at most FALLBACK_SCAN blocks; what is found is checked below.
  let b = m[own];
  for (let i = 0; b !== 0 && m[(b >> 2) + 1] < need; b = m[b >> 2] ^ k) {
    preempt();
    if (++i === FALLBACK_SCAN) {
      b = 0;
      break;
    }
  }
  if (b === 0) {
    // Round up to the next class boundary: every block of the bucket found then fits.
    const rounded = need < SMALL ? need : need + (1 << (top - SL_LOG2)) - 1;
    top = 31 - Math.clz32(rounded);
    let fl = rounded < SMALL ? 0 : top - SMALL_LOG2 + 1;
    if (fl >= m[H_FL_COUNT]) return 0;
    let slMap = m[H_ROOTS + fl * ROW] & (-1 << (rounded < SMALL ? rounded >>> 3 : (rounded >>> (top - SL_LOG2)) ^ SL_COUNT));
    if (slMap === 0) {
      const flMap = m[H_FL_BITMAP] & (-1 << (fl + 1));
      if (flMap === 0) return 0;
      fl = 31 - Math.clz32(flMap & -flMap);
      slMap = m[H_ROOTS + fl * ROW];
      if (slMap === 0) corrupted(0, BUILD_MESSAGES && `TLSF first-level bitmap names class ${fl}, which is empty`);
    }
    b = m[H_ROOTS + fl * ROW + 1 + (31 - Math.clz32(slMap & -slMap))];
    if (b === 0) corrupted(0, BUILD_MESSAGES && `TLSF second-level bitmap of class ${fl} names an empty bucket`);
  }
  preempt();
  // freeSizeAt(), inline: written as what must hold, so that undefined fails every test.
  const size = m[(b >> 2) + 1];
  if (!(b >= P.start && (b & 7) === 0 && (size & 7) === 0 && size >= need && size <= P.end - b && m[((b + size) >> 2) - 1] === size)) {
    corrupted(b, BUILD_MESSAGES && `the free structure offers a bad block (size word ${size}) for ${need} bytes`);
  }
  const rest = size - need;
  const r = b + need;
  // The rest keeps b's bucket when it is no smaller than the bucket's lowest size (below SMALL every
  // size has a bucket of its own): then it takes b's place in the list.
  const sh = 31 - Math.clz32(size) - SL_LOG2;
  if (size >= SMALL && rest >= (size >>> sh) << sh) {
    relink(m, b, r, H_ROOTS + (sh + SL_LOG2 - SMALL_LOG2 + 1) * ROW + 1 + ((size >>> sh) ^ SL_COUNT));
  } else {
    remove(P, b, size);
    if (rest >= MIN_BLOCK) insert(P, r, rest);
  }
  if (rest >= MIN_BLOCK) {
    m[(r >> 2) + 1] = rest;
    m[((r + rest) >> 2) - 1] = rest;
    m[(b >> 2) + 1] = need | USED;
  } else {
    m[((b + size) >> 2) + 1] &= ~PREV_FREE;
    m[(b >> 2) + 1] = size | USED;
  }
  m[b >> 2] = Math.imul(b ^ k, CHECK_MIX) | 1; // checkWord(m, b)
  return b;
}

/**
 * Returns used block `b` (validated by the caller) to the buckets, merging it with free neighbours
 * (the cases are drawn in core.ts). Returns the bytes it had.
 */
export function tlsfRelease(P: Pool, b: number): number {
  const m = P.m;
  const k = m[H_SALT];
  const h = m[(b >> 2) + 1];
  const own = h & ~FLAG_MASK;
  const n = b + own;
  const nh = m[(n >> 2) + 1];
  // nextHeader() and prevFree() of guard.ts, inline: every check before the first write.
  if (nh & USED ? m[n >> 2] !== (Math.imul(n ^ k, CHECK_MIX) | 1) : (nh & FLAG_MASK) !== 0 || nh < MIN_BLOCK || nh > P.end - n || m[((n + nh) >> 2) - 1] !== nh) {
    corrupted(n, BUILD_MESSAGES && 'the block after a block does not start where its size says');
  }
  let f = b;
  let fsize = 0;
  if (h & PREV_FREE) {
    f = b - m[(b >> 2) - 1];
    fsize = m[(f >> 2) + 1];
    if (!(fsize === b - f && f >= P.start && (f & 7) === 0 && fsize >= MIN_BLOCK)) corrupted(b, BUILD_MESSAGES && 'PREV_FREE is set, but no free block ends here');
  }
  // Clear USED first: should this header survive inside a merged block, it reads as freed (a tombstone).
  m[(b >> 2) + 1] = h & ~USED;
  preempt();
  let size = fsize + own;
  if (!(nh & USED)) size += nh;
  // A free block that grows keeps its bucket while it stays below the bucket's upper bound (below
  // SMALL every size has a bucket of its own); then it keeps its place in the list too.
  if (f !== b) {
    // [ prev free ][ b ][ next free? ]: prev grows.
    if (!(nh & USED)) remove(P, n, nh);
    const sh = 31 - Math.clz32(fsize) - SL_LOG2;
    if (fsize < SMALL || size >= ((fsize >>> sh) + 1) << sh) {
      remove(P, f, fsize);
      insert(P, f, size);
    }
  } else if (!(nh & USED)) {
    // [ b ][ next free ]: b takes next's place in the list if the bucket stays the same.
    const sh = 31 - Math.clz32(nh) - SL_LOG2;
    if (nh >= SMALL && size < ((nh >>> sh) + 1) << sh) {
      relink(m, n, b, H_ROOTS + (sh + SL_LOG2 - SMALL_LOG2 + 1) * ROW + 1 + ((nh >>> sh) ^ SL_COUNT));
    } else {
      remove(P, n, nh);
      insert(P, b, size);
    }
  } else {
    insert(P, b, size);
  }
  m[(f >> 2) + 1] = size;
  m[((f + size) >> 2) - 1] = size;
  m[((f + size) >> 2) + 1] |= PREV_FREE;
  return own;
}
