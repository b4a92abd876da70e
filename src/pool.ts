/**
 * The pool layout: every fact about where things live is stated here once.
 *
 *   offset 0                                                             poolSize
 *   [ header | free-structure roots ][ block ][ block ] ... [ block ][ end ]
 *
 * The header is a run of 32-bit words (H_* below). The strategy's roots follow it (a list head, or the
 * TLSF bitmaps and bucket heads). Blocks start on 8-byte boundaries; the 8-byte `end` sentinel is a used
 * block of size 0, so coalescing never needs a bounds check.
 *
 *   used block                           free block
 *   b+0  [ check = mix(b ^ salt)   ]     b+0  [ next free ^ salt     ]
 *   b+4  [ size | PREV_FREE | USED ]     b+4  [ size | 0 | 0         ]
 *   b+8  [ payload ...             ]     b+8  [ prev free ^ salt     ]
 *        [         ... payload     ]          [ ...                  ]
 *                                        end-4[ size (footer)        ]
 *
 * A pointer is b+8, so pointers are 8-aligned and 0 is never one. A used block costs 8 bytes (check and
 * size words) plus rounding of the request to 8; it has no footer, because the block after it carries
 * PREV_FREE: only free blocks need a footer (Knuth's boundary tag), which makes coalescing with both
 * neighbours O(1). Free blocks never have a free neighbour (coalescing is immediate), so a free block's
 * flags are always 0. The smallest block is 16 bytes: next, size, prev and footer.
 *
 * The check word lets free() reject a pointer allocate() did not return: a random offset passes only if
 * the word before it has USED set and the word before that equals a salted hash of its offset
 * (probability about 2^-32). The salt changes with every reset(), which invalidates old pointers.
 *
 * Nothing read from the pool is trusted (user code holds views over it): the links of free blocks are
 * stored XOR-ed with the salt (glibc's safe-linking idea), so that what a program writes into a freed
 * block (an offset, a small number, zero) decodes to a misaligned or out-of-heap link, and every link,
 * size and footer is checked before it is acted on (guard.ts). The heap bounds the code relies on are
 * kept in the Pool object, not read back from the header.
 */
export const MAGIC = 0x4d43414c; // 'MCAL'
/** 5: TLSF has 8 second-level classes (was 16), and cuts small blocks from the high end of a free block. */
export const VERSION = 5;

// Header word indices.
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_POOL_SIZE = 2;
/**
 * strategy id | debug << 8 | log2(default alignment) << 16 | lock id << 24, the lock id being 1 + its
 * index in LOCK_NAMES of locks/lock.ts (0 in pools formatted before the lock was recorded: attach then checks nothing).
 */
export const H_CONFIG = 3;
/** The atomics lock word (0 free, 1 taken, 2 taken with waiters). */
export const H_LOCK = 4;
export const H_SALT = 5;
export const H_HEAP_START = 6;
export const H_HEAP_END = 7;
export const H_USED_BYTES = 8;
/**
 * TLSF: the top, the free block that ends at the heap end (0: the last block is used). It stays out of
 * the buckets and is taken from last, so that the common grow-and-release at the end of the heap costs
 * no list work (the used block count is H_ALLOCS - H_FREES).
 */
export const H_TOP = 9;
export const H_PEAK_USED = 10;
export const H_FAILED = 11;
export const H_ALLOCS = 12;
export const H_FREES = 13;
/** Next-fit: the free block where the next search starts (0: the list head). */
export const H_ROVER = 14;
/** List strategies: the lowest-addressed free block. */
export const H_LIST_HEAD = 15;
/** TLSF: number of first-level classes, and the first-level bitmap. */
export const H_FL_COUNT = 16;
export const H_FL_BITMAP = 17;
/** Where the strategy's roots (TLSF second-level bitmaps and bucket heads) start. */
export const H_ROOTS = 18;

/**
 * The multiplier of checkWordOf(): odd, so that the product modulo 2^32 is a bijection of b ^ salt, and
 * of 16 bits (2^16 / golden ratio), so that the product of a 32-bit word by it is exact in a double and
 * `| 1` takes its low 32 bits: no Math.imul call, which costs XS a call per check word.
 */
export const CHECK_MIX = 0x9e37;

export const USED = 1;
export const PREV_FREE = 2;
export const FLAG_MASK = 7;
/** Check word and size word in front of every payload. */
export const OVERHEAD = 8;
export const MIN_BLOCK = 16;
/** Largest pool: offsets and sizes are signed 32-bit words. */
export const MAX_POOL = 0x7ffffff8;
/** Debug blocks end with canary bytes and the requested size: at least 4 + 4 extra bytes. */
export const CANARY_BYTE = 0xca;
export const POISON_BYTE = 0xdd;

/**
 * The block a request of `size` bytes takes: the 8-byte header, the request rounded up to 8, at least
 * MIN_BLOCK; debug blocks add 8 bytes (canary bytes after the request, the requested size in the last
 * word). The one statement of it: the core, the tuner's profile and the bench all use this.
 */
export function blockFor(size: number, debug: boolean): number {
  const need = (size + OVERHEAD + (debug ? 8 : 0) + 7) & ~7;
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

/** The free structure a strategy keeps inside the pool. Sizes are block sizes (header included). */
export interface FreeStructure {
  readonly id: number;
  /** Header words the roots need for a pool of this size (after H_ROOTS). */
  rootWords(poolSize: number): number;
  /** Empties the structure (the roots are already zero). */
  init(m: Int32Array, poolSize: number): void;
  /** insert, remove and replace check the links they unlink from (HEAP_CORRUPTED if they disagree). */
  insert(P: Pool, b: number, size: number): void;
  remove(P: Pool, b: number, size: number): void;
  /** Block `b` takes the place of free block `old` (they overlap or touch): merges and splits. */
  replace(P: Pool, old: number, oldSize: number, b: number, size: number): void;
  /**
   * Whether a block of `need` bytes is cut from the high end of free block `b` of `size` bytes (which
   * keeps its low end free), not from its low end. Absent: always the low end (the list strategies).
   */
  highEnd?(P: Pool, b: number, size: number, need: number): boolean;
  /**
   * A candidate free block for `size` bytes, or 0. Does not remove it; the core checks it (freeSizeAt)
   * before use. Walks are bounded whatever the links say.
   */
  find(P: Pool, size: number): number;
  /** Visits every free block the structure holds, until visit returns false. For check() and stats(). */
  forEach(P: Pool, visit: (b: number) => boolean): void;
  /** Strategy-specific invariants (bucket of each block, bitmaps); returns a message or ''. */
  verify(P: Pool, b: number): string;
}

/**
 * One allocator's view of a pool. Everything it knows is in `m`; this object caches views and the
 * heap bounds, which never change after format, so that a stray write into the header cannot move them.
 */
export interface Pool {
  readonly m: Int32Array;
  /** The first block (H_HEAP_START) and the end sentinel (H_HEAP_END). */
  readonly start: number;
  readonly end: number;
  readonly u8: Uint8Array;
  readonly s: FreeStructure;
  readonly debug: boolean;
}

/** A block's size in bytes, header included (its size word without the flag bits). */
export function blockSizeOf(m: Int32Array, b: number): number {
  return m[(b >> 2) + 1] & ~FLAG_MASK;
}

/**
 * The salted hash stored in a used block's first word, for block `b` and salt `k`. Never 0, so a zeroed
 * pool holds no valid block. @inline
 */
export function checkWordOf(b: number, k: number): number {
  return ((b ^ k) * CHECK_MIX) | 1;
}

/** checkWordOf with the pool's salt. @inline */
export function checkWord(m: Int32Array, b: number): number {
  return checkWordOf(b, m[H_SALT]);
}

/** Writes the size word and the footer of free block `b` (a split's rest, a merge's result). @inline */
export function markFree(m: Int32Array, b: number, size: number): void {
  m[(b >> 2) + 1] = size;
  m[((b + size) >> 2) - 1] = size;
}

export function headerBytes(s: FreeStructure, poolSize: number): number {
  return align8((H_ROOTS + s.rootWords(poolSize)) * 4);
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Writes a fresh pool: header, roots, one free block covering the heap, and the end sentinel.
 * Returns false when the pool is too small to hold even one block.
 */
export function heapEnd(poolSize: number): number {
  return (poolSize & ~7) - OVERHEAD;
}

export function formatPool(P: Pool, poolSize: number, alignLog2: number, lockId: number, salt: number): void {
  const { m, s, start, end, debug } = P;
  const lock = m[H_LOCK]; // reset() formats while holding the atomics lock: keep it held
  m.fill(0, 0, start >> 2);
  m[H_LOCK] = lock;
  m[H_MAGIC] = MAGIC;
  m[H_VERSION] = VERSION;
  m[H_POOL_SIZE] = poolSize;
  m[H_CONFIG] = s.id | (debug ? 1 << 8 : 0) | (alignLog2 << 16) | (lockId << 24);
  m[H_SALT] = salt;
  m[H_HEAP_START] = start;
  m[H_HEAP_END] = end;
  s.init(m, poolSize);
  const size = end - start;
  m[(start >> 2) + 1] = size;
  m[(end >> 2) - 1] = size;
  m[end >> 2] = checkWord(m, end);
  m[(end >> 2) + 1] = USED | PREV_FREE;
  s.insert(P, start, size);
}

/** A Pool over a formatted pool's words, with the bounds its header states (for tools that probe a copy). */
export function poolView(m: Int32Array, u8: Uint8Array, s: FreeStructure, debug: boolean): Pool {
  return { m, start: m[H_HEAP_START], end: m[H_HEAP_END], u8, s, debug };
}
