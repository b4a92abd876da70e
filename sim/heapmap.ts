/**
 * The heap map: the pool drawn as rows of characters, each standing for an equal slice of the pool.
 *
 *   H  pool header (and free-structure roots)     #  used     .  free     +  used and free
 *   ?  not reached: the block walk stopped at a corrupted block
 *
 * Drawn from Allocator.blocks(), a snapshot taken under the lock.
 */
import type { Allocator } from '../src/index.js';

export interface HeapMapOptions {
  /** Characters per row (default 64). */
  width?: number;
  /** Rows (default 8). */
  rows?: number;
}

export function heapMap(heap: Allocator, options: HeapMapOptions = {}): string[] {
  const width = options.width ?? 64;
  const rows = options.rows ?? 8;
  const cells = width * rows;
  const pool = heap.poolSize;
  // Whole 8-byte granules per cell, so cell boundaries are block-aligned offsets.
  const cell = Math.max(8, Math.ceil(pool / cells / 8) * 8);
  const used = new Float64Array(cells);
  const free = new Float64Array(cells);
  let heapStart = -1;
  let reached = 0;
  for (const b of heap.blocks()) {
    if (heapStart < 0) heapStart = b.offset;
    reached = b.offset + b.size;
    const into = b.used ? used : free;
    for (let at = b.offset, end = b.offset + b.size; at < end; ) {
      const c = Math.floor(at / cell);
      const next = Math.min(end, (c + 1) * cell);
      if (c < cells) into[c] += next - at;
      at = next;
    }
  }
  const lines: string[] = [];
  const digits = Math.max(4, (pool - 1).toString(16).length);
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let i = r * width; i < (r + 1) * width; i++) {
      const start = i * cell;
      if (start >= pool) line += ' ';
      else if (start < heapStart) line += 'H';
      else if (used[i] > 0 && free[i] > 0) line += '+';
      else if (used[i] > 0) line += '#';
      else if (free[i] > 0) line += '.';
      else if (start >= reached && start < pool - 8) line += '?';
      else line += ' '; // the end sentinel
    }
    lines.push(`${(r * width * cell).toString(16).padStart(digits, '0')} ${line}`);
  }
  return lines;
}

/** One line under the map: the scale and the legend. */
export function heapMapLegend(heap: Allocator, options: HeapMapOptions = {}): string {
  const cells = (options.width ?? 64) * (options.rows ?? 8);
  const cell = Math.max(8, Math.ceil(heap.poolSize / cells / 8) * 8);
  return `one character = ${cell} bytes   # used   . free   + both   H header   ? not reached`;
}
