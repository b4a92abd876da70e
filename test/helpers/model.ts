/**
 * A reference model for the allocator: what should be live, with which contents. Random operation
 * sequences run against both; after every step the pool must agree with the model.
 */
import type { Allocator } from '../../src/index.js';

export type Op =
  | { kind: 'a'; size: number; align: number }
  | { kind: 'z'; count: number; size: number }
  | { kind: 'r'; pick: number; size: number }
  | { kind: 'f'; pick: number };

interface Live {
  ptr: number;
  size: number;
  seed: number;
}

function stamp(heap: Allocator, ptr: number, from: number, to: number, seed: number): void {
  const u8 = new Uint8Array(heap.buffer);
  for (let i = from; i < to; i++) u8[ptr + i] = (seed + i * 7) & 255;
}

export class Model {
  readonly live: Live[] = [];
  failed = 0;
  private nextSeed = 1;
  constructor(readonly heap: Allocator) {}

  apply(op: Op): string {
    const { heap, live } = this;
    switch (op.kind) {
      case 'a':
      case 'z': {
        const size = op.kind === 'a' ? op.size : op.count * op.size;
        const ptr = op.kind === 'a' ? heap.allocate(size, op.align) : heap.allocateZeroed(op.count, op.size);
        if (ptr === 0) {
          this.failed++;
          return '';
        }
        if (op.kind === 'a' && ptr % op.align !== 0) return `allocate(${size}, ${op.align}) returned misaligned ${ptr}`;
        if (op.kind === 'z') {
          const u8 = new Uint8Array(heap.buffer, ptr, size);
          if (u8.some((x) => x !== 0)) return `allocateZeroed returned non-zero bytes at ${ptr}`;
        }
        if (heap.usableSize(ptr) < size) return `usableSize ${heap.usableSize(ptr)} < requested ${size}`;
        const seed = this.nextSeed++;
        stamp(heap, ptr, 0, size, seed);
        live.push({ ptr, size, seed });
        return '';
      }
      case 'r': {
        if (live.length === 0) return '';
        const b = live[op.pick % live.length];
        const ptr = heap.reallocate(b.ptr, op.size);
        if (ptr === 0) {
          this.failed++;
          return ''; // the old block must be untouched: verify() checks its stamp
        }
        // Contents up to the smaller size moved with the block; re-stamp the rest and keep the seed.
        const keep = Math.min(b.size, op.size);
        b.ptr = ptr;
        b.size = op.size;
        stamp(heap, ptr, keep, op.size, b.seed);
        return this.verifyBlock(b, keep);
      }
      case 'f': {
        if (live.length === 0) return '';
        const i = op.pick % live.length;
        const b = live[i];
        const err = this.verifyBlock(b, b.size);
        live[i] = live[live.length - 1];
        live.pop();
        heap.free(b.ptr);
        return err;
      }
    }
  }

  verifyBlock(b: Live, upto: number): string {
    const u8 = new Uint8Array(this.heap.buffer);
    for (let i = 0; i < upto; i++) {
      if (u8[b.ptr + i] !== ((b.seed + i * 7) & 255)) return `block ${b.ptr} (${b.size} bytes) byte ${i} changed`;
    }
    return '';
  }

  /** Every invariant the issue names; returns the first violation or ''. */
  verify(): string {
    const { heap, live } = this;
    heap.check();
    const sorted = [...live].sort((x, y) => x.ptr - y.ptr);
    for (let i = 0; i < sorted.length; i++) {
      const b = sorted[i];
      if (b.ptr <= 0 || b.ptr % 8 !== 0 || b.ptr + b.size > heap.poolSize) return `block ${b.ptr}+${b.size} outside the pool or misaligned`;
      if (i > 0 && sorted[i - 1].ptr + heap.usableSize(sorted[i - 1].ptr) > b.ptr) return `blocks ${sorted[i - 1].ptr} and ${b.ptr} overlap`;
      const err = this.verifyBlock(b, b.size);
      if (err) return err;
    }
    const s = heap.stats();
    if (s.usedBlocks !== live.length) return `stats.usedBlocks ${s.usedBlocks}, model ${live.length}`;
    const requested = live.reduce((t, b) => t + b.size, 0);
    if (s.usedBytes < requested + 8 * live.length) return `stats.usedBytes ${s.usedBytes} < requested ${requested} + headers`;
    if (s.usedBytes + s.freeBytes !== s.heapSize) return `usedBytes + freeBytes != heapSize`;
    if (s.failedAllocations !== this.failed) return `stats.failedAllocations ${s.failedAllocations}, model ${this.failed}`;
    if (s.peakUsedBytes < s.usedBytes) return `peak below current use`;
    if (s.fragmentation < 0 || s.fragmentation > 1) return `fragmentation ${s.fragmentation} outside 0..1`;
    const used = [...heap.blocks()].filter((x) => x.used).map((x) => x.pointer);
    if (used.length !== live.length || sorted.some((b, i) => used[i] !== b.ptr)) return `blocks() disagrees with the model`;
    return '';
  }

  freeAll(): void {
    while (this.live.length > 0) this.apply({ kind: 'f', pick: 0 });
  }
}
