/**
 * Two-level segregated fit (Masmano et al., 2004): O(1) find, insert and remove, whatever the number of
 * free blocks. Free blocks sit in buckets by size; two bitmaps say which buckets are non-empty.
 *
 *   first level (fl): power of two of the size       second level (sl): 16 equal slices of that range
 *
 *   H_FL_BITMAP   [ ... 0 1 0 1 1 ]  bit fl set <=> slBitmap[fl] != 0
 *   slBitmap[fl]  [ 16 bits ]        bit sl set <=> heads[fl][sl] != 0
 *   heads[fl][sl] -> [ free ] <-> [ free ] -> 0     (links at b+0 / b+8, as in pool.ts)
 *
 *   size < 128:  fl = 0, sl = size / 8                      (exact classes of 8 bytes)
 *   size >= 128: fl = log2(size) - 6, sl = the next 4 bits below the top bit
 *
 * find() rounds the request up to the next class boundary so that any block in the bucket it picks
 * is large enough (two bit scans, Math.clz32). When that fails it looks at no more than FALLBACK_SCAN
 * blocks of the request's own bucket, which keeps the bound constant and rescues exact fits.
 */
import { BUILD_MESSAGES } from '../build.js';
import { H_FL_BITMAP, H_FL_COUNT, H_ROOTS, type FreeStructure } from '../pool.js';
import { preempt } from '../preempt.js';

const SL_LOG2 = 4;
const SL_COUNT = 1 << SL_LOG2;
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

/** Word index of heads[fl][sl]. */
function headIndex(m: Int32Array, fl: number, sl: number): number {
  return H_ROOTS + m[H_FL_COUNT] + fl * SL_COUNT + sl;
}

function insert(m: Int32Array, b: number, size: number): void {
  const fl = flOf(size);
  const sl = slOf(size);
  const h = headIndex(m, fl, sl);
  const head = m[h];
  m[b >> 2] = head;
  m[(b >> 2) + 2] = 0;
  if (head !== 0) m[(head >> 2) + 2] = b;
  m[h] = b;
  m[H_ROOTS + fl] |= 1 << sl;
  m[H_FL_BITMAP] |= 1 << fl;
}

function remove(m: Int32Array, b: number, size: number): void {
  const next = m[b >> 2];
  const prev = m[(b >> 2) + 2];
  if (next !== 0) m[(next >> 2) + 2] = prev;
  if (prev !== 0) {
    m[prev >> 2] = next;
    return;
  }
  const fl = flOf(size);
  const sl = slOf(size);
  m[headIndex(m, fl, sl)] = next;
  if (next === 0 && (m[H_ROOTS + fl] &= ~(1 << sl)) === 0) m[H_FL_BITMAP] &= ~(1 << fl);
}

function find(m: Int32Array, size: number): number {
  const rounded = size < SMALL ? size : size + (1 << (31 - Math.clz32(size) - SL_LOG2)) - 1;
  let fl = flOf(rounded);
  if (fl < m[H_FL_COUNT]) {
    let slMap = m[H_ROOTS + fl] & (-1 << slOf(rounded));
    if (slMap === 0) {
      const flMap = m[H_FL_BITMAP] & (-1 << (fl + 1));
      if (flMap !== 0) {
        fl = ctz(flMap);
        slMap = m[H_ROOTS + fl];
      }
    }
    if (slMap !== 0) return m[headIndex(m, fl, ctz(slMap))];
  }
  let b = m[headIndex(m, flOf(size), slOf(size))];
  for (let i = 0; b !== 0 && i < FALLBACK_SCAN; i++, b = m[b >> 2]) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return b;
  }
  return 0;
}

export const tlsf: FreeStructure = {
  id: 5,
  rootWords(poolSize) {
    const fls = flOf(poolSize) + 1;
    return fls + fls * SL_COUNT;
  },
  init(m, poolSize) {
    m[H_FL_COUNT] = flOf(poolSize) + 1;
  },
  insert,
  remove,
  replace(m, old, oldSize, b, size) {
    remove(m, old, oldSize);
    insert(m, b, size);
  },
  find,
  forEach(m, visit) {
    const n = m[H_FL_COUNT] * SL_COUNT;
    for (let i = 0; i < n; i++) {
      for (let b = m[H_ROOTS + m[H_FL_COUNT] + i]; b !== 0; b = m[b >> 2]) if (!visit(b)) return;
    }
  },
  verify(m, b) {
    const size = m[(b >> 2) + 1];
    const fl = flOf(size);
    const sl = slOf(size);
    if (fl >= m[H_FL_COUNT]) return BUILD_MESSAGES ? `size ${size} beyond the last TLSF class` : '!';
    const next = m[b >> 2];
    const prev = m[(b >> 2) + 2];
    if (prev === 0 && m[headIndex(m, fl, sl)] !== b) return BUILD_MESSAGES ? `not the head of its TLSF bucket [${fl}][${sl}]` : '!';
    if (prev !== 0 && (m[prev >> 2] !== b || flOf(m[(prev >> 2) + 1]) !== fl || slOf(m[(prev >> 2) + 1]) !== sl)) {
      return BUILD_MESSAGES ? `TLSF bucket [${fl}][${sl}] link broken (prev ${prev})` : '!';
    }
    if (next !== 0 && m[(next >> 2) + 2] !== b) return BUILD_MESSAGES ? `TLSF bucket link broken (next ${next})` : '!';
    if (!(m[H_ROOTS + fl] & (1 << sl)) || !(m[H_FL_BITMAP] & (1 << fl))) return BUILD_MESSAGES ? `TLSF bitmap misses bucket [${fl}][${sl}]` : '!';
    return '';
  },
};
