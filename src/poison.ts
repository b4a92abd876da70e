/**
 * Debug pools only: poison in free memory, canaries after every request, and tombstones.
 *
 * A free block's bytes from b+12 to its footer hold POISON_BYTE, so a write through a pointer kept
 * after free() is found when the block is handed out again (and by check()). Poison is laid
 * incrementally, only on the bytes an operation frees, so a free() costs the size of the block freed,
 * not of the free block it joins.
 *
 * A tombstone is what is left of a block that was freed into the free block before it: its check word
 * and its size word with USED clear (8 bytes, 8-aligned, inside the poison). It lets a second free() of
 * that pointer say DOUBLE_FREE rather than INVALID_POINTER; the poison checks step over it.
 *
 *   used block, debug:  [ check | size ][ request ... ][ canary ... ][ requested size ]
 *   free block, debug:  [ next | size | prev ][ poison ... [ tombstone ] ... poison ][ footer ]
 */
import { CANARY_BYTE, OVERHEAD, POISON_BYTE, USED, blockSizeOf, checkWord, type Pool } from './pool.js';

export function poison(P: Pool, from: number, to: number): void {
  P.u8.fill(POISON_BYTE, from, to);
}

export function isTombstone(m: Int32Array, t: number): boolean {
  return (t & 7) === 0 && m[t >> 2] === checkWord(m, t) && (m[(t >> 2) + 1] & USED) === 0;
}

/** The first byte in [from, to) that is neither poison nor part of a tombstone, or -1. */
export function poisonProblem(P: Pool, from: number, to: number): number {
  const u8 = P.u8;
  for (let i = from; i < to; i++) {
    if (u8[i] !== POISON_BYTE) {
      const t = i & ~7;
      if (!isTombstone(P.m, t)) return i;
      i = t + 7;
    }
  }
  return -1;
}

/** Writes the canary and requested size after `size` bytes of payload of used block `b`. */
export function seal(P: Pool, b: number, size: number): void {
  const end = b + blockSizeOf(P.m, b);
  P.u8.fill(CANARY_BYTE, b + OVERHEAD + size, end - 4);
  P.m[(end >> 2) - 1] = size;
}

/**
 * The bytes between the requested size and the end of used block `b` must still be canaries: what is
 * wrong, or null (not '': a string literal evaluated in a preloaded module is a new string each time on XS).
 */
export function canaryProblem(P: Pool, b: number): string | null {
  const end = b + blockSizeOf(P.m, b);
  const requested = P.m[(end >> 2) - 1];
  if (requested < 0 || b + OVERHEAD + requested > end - 8) return `overrun: the requested-size word was overwritten`;
  for (let i = b + OVERHEAD + requested; i < end - 4; i++) {
    if (P.u8[i] !== CANARY_BYTE) return `overrun: canary byte at ${i} (${i - b - OVERHEAD - requested} bytes past the end of the ${requested}-byte request) was overwritten`;
  }
  return null;
}
