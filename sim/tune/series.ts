/**
 * What the report draws for one strategy at one pool size: used bytes and the largest free block over
 * the trace (at most ~500 points), the failed operations, and a snapshot of the blocks at the peak.
 */
import type { BlockInfo } from '../../src/index.js';
import type { TraceOp } from '../trace.js';
import { replay, type PoolConfig } from './replay.js';

export const MAX_POINTS = 500;

export interface Point {
  /** Last operation index of the bucket. */
  op: number;
  /** Most used bytes in the bucket, and least largest-free-block: peaks and dips survive sampling. */
  used: number;
  largestFree: number;
}

export interface Series {
  config: PoolConfig;
  heapSize: number;
  points: Point[];
  failures: number[];
  peakOp: number;
  peakUsed: number;
  /** Blocks right after the peak operation (the heap map). */
  peakBlocks: BlockInfo[];
}

export function sampleSeries(ops: readonly TraceOp[], config: PoolConfig): Series {
  const stride = Math.max(1, Math.ceil(ops.length / MAX_POINTS));
  const points: Point[] = [];
  const failures: number[] = [];
  let heapSize = 0, peakOp = -1, peakUsed = -1;
  let used = 0, largest = Infinity;
  replay(ops, config, (heap, i, failed) => {
    const s = heap.stats();
    heapSize = s.heapSize;
    if (failed) failures.push(i);
    if (s.usedBytes > peakUsed) { peakUsed = s.usedBytes; peakOp = i; }
    used = Math.max(used, s.usedBytes);
    largest = Math.min(largest, s.largestFreeBlock);
    if ((i + 1) % stride === 0 || i === ops.length - 1) {
      points.push({ op: i, used, largestFree: largest });
      used = 0;
      largest = Infinity;
    }
  });
  // Second pass for the snapshot: taking blocks() at every new peak would cost a heap walk per op.
  let peakBlocks: BlockInfo[] = [];
  if (peakOp >= 0) {
    replay(ops.slice(0, peakOp + 1), config, (heap, i) => {
      if (i === peakOp) peakBlocks = Array.from(heap.blocks());
    });
  }
  return { config, heapSize, points, failures, peakOp, peakUsed, peakBlocks };
}
