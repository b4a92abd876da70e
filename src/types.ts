import type { StrategyName } from './strategies/registry.js';

/** The strategies' names: the keys of the table in strategies/registry.ts. */
export type { StrategyName };
export type LockName = 'none' | 'interrupt' | 'atomics';

/** The native half of the interrupt lock: on the device a critical section, in the simulator its IRQ mask. */
export interface InterruptMask {
  /** Masks interrupts and returns the previous state (nesting-safe: restore() puts it back). */
  disable(): number;
  restore(state: number): void;
}

export interface AllocatorOptions {
  /** Pool size in bytes (default 65536). With `buffer`, it must be the buffer's size (byteLength & ~7). */
  poolSize?: number;
  /** Use this buffer as the pool instead of reserving one. */
  buffer?: ArrayBuffer | SharedArrayBuffer;
  /** Use the already initialised pool in `buffer` (e.g. from another Worker) instead of formatting it. */
  attach?: boolean;
  /**
   * Format `buffer` although it holds a pool that was not destroyed (another allocator, maybe in another
   * Worker, may still be using it). Without it such a buffer is refused: attach to it, or destroy the
   * allocator that formatted it first.
   */
  reformat?: boolean;
  strategy?: StrategyName;
  lock?: LockName;
  /** Default alignment of allocate(): a power of two, 8 or more (default 8). */
  alignment?: number;
  /** Exact pointer validation, poisoning of freed memory and canaries after every block. */
  debug?: boolean;
  /** Interrupt controller used by lock 'interrupt' (the simulator passes its own). */
  interrupts?: InterruptMask;
  /**
   * Called with one trace line per operation: `a ID SIZE`, `f ID`, `r ID SIZE` (IDs are offsets).
   * An exception it throws is ignored (the line is lost, the operation completes as without a trace).
   */
  trace?: (line: string) => void;
}

export interface AllocatorStats {
  poolSize: number;
  /** Bytes of the pool managed as blocks (the pool minus the header and the end sentinel). */
  heapSize: number;
  /** Bytes in used blocks, block headers and alignment padding included. */
  usedBytes: number;
  /** Bytes in free blocks, their headers included: usedBytes + freeBytes = heapSize. */
  freeBytes: number;
  /** The largest request that allocate() can satisfy right now (default alignment). */
  largestFreeBlock: number;
  usedBlocks: number;
  freeBlocks: number;
  peakUsedBytes: number;
  failedAllocations: number;
  allocations: number;
  frees: number;
  /** 1 - largestFreeBlock/freeBytes: 0 when all free memory is one block, towards 1 when it is scattered. */
  fragmentation: number;
}

export interface BlockInfo {
  /** Offset of the block's first byte (its header). */
  offset: number;
  /** The pointer allocate() returned for it (payload offset). */
  pointer: number;
  /** Block size in bytes, header included. */
  size: number;
  used: boolean;
}

export interface Allocator {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly strategy: StrategyName;
  readonly lock: LockName;
  readonly poolSize: number;
  /** True once destroy() was called: every method but this one then throws DESTROYED. */
  readonly destroyed: boolean;
  allocate(size: number, alignment?: number): number;
  allocateZeroed(count: number, size: number): number;
  reallocate(ptr: number, size: number): number;
  free(ptr: number): void;
  usableSize(ptr: number): number;
  bytes(ptr: number): Uint8Array;
  stats(): AllocatorStats;
  check(): void;
  blocks(): IterableIterator<BlockInfo>;
  reset(): void;
  destroy(): void;
}
