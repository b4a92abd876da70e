/**
 * Block stamps: every word of a block's payload holds a value derived from the block's id, written
 * when the block is allocated and checked when it is freed. Two live blocks that overlap, or a block
 * the allocator scribbled on, fail the check; the stamp found names the block that wrote it.
 */
const MIX = 0x9e3779b1;
/** MIX^-1 mod 2^32 (Newton's iteration: each step doubles the correct low bits). */
const UNMIX = (() => {
  let x = MIX;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(MIX, x));
  return x;
})();

/** The stamp of block `id` (never 0, so a zeroed pool never passes for a stamped block). */
export function stampOf(id: number): number {
  return Math.imul(id, MIX) | 0 || 1;
}

/** The id whose stamp `word` is (meaningful only if `word` is a stamp). */
export function idOfStamp(word: number): number {
  return Math.imul(word, UNMIX) >>> 0;
}

/** Fills words [from, to) of the payload at byte offset `ptr` (8-aligned) with `stamp`. */
export function writeStamp(words: Int32Array, ptr: number, from: number, to: number, stamp: number): void {
  words.fill(stamp, (ptr >> 2) + from, (ptr >> 2) + to);
}

/** Index of the first of words [0, count) not equal to `stamp`, or -1. */
export function findDamage(words: Int32Array, ptr: number, count: number, stamp: number): number {
  const base = ptr >> 2;
  for (let i = 0; i < count; i++) if (words[base + i] !== stamp) return i;
  return -1;
}
