/**
 * A trace compiled for replay: one flat Int32Array of (op, slot, size) triples, where a slot is a dense
 * index standing for a trace ID. Node and XS replay the same numbers with the same loop (replay.ts),
 * so parsing and ID lookup never count as allocator work.
 */
import { traceProfile, type TraceOp } from '../sim/trace.js';
import { blockFor } from '../src/pool.js';

export const OP_ALLOC = 0;
export const OP_FREE = 1;
export const OP_REALLOC = 2;

export interface Program {
  name: string;
  /** Where the trace came from (synthetic generator, simulator, file). */
  source: string;
  code: Int32Array;
  /** Number of slots (distinct live IDs at once, at most). */
  slots: number;
  operations: number;
  peakLiveBytes: number;
  /** Index of the operation after which live requested bytes peak (for the native memory probe). */
  peakAt: number;
  maxSize: number;
  /** Most blocks live at once: list allocators (thi.ng's, mcalloc's lists) walk lists about this long. */
  peakLiveBlocks: number;
  /**
   * Utilization with per-block overhead only (no fragmentation, no pool header): peak live bytes over the
   * peak of live block sizes, a block being the request plus an 8-byte header rounded up to 8, at least
   * 16 bytes, as in both mcalloc and thi.ng. No allocator with that block format can do better.
   */
  ceiling: number;
  /** A trace file named on the command line (not one of the bench's own traces). */
  user?: boolean;
}

const blockOf = (size: number) => blockFor(size, false);

export function compile(name: string, source: string, ops: readonly TraceOp[]): Program {
  const code = new Int32Array(ops.length * 3);
  const slotOf = new Map<number, number>();
  const freeSlots: number[] = [];
  const sizes = new Map<number, number>();
  let slots = 0;
  let live = 0;
  let peak = -1;
  let peakAt = 0;
  let blocks = 0;
  let peakBlocks = 0;
  let peakLiveBlocks = 0;
  ops.forEach((o, i) => {
    let slot = slotOf.get(o.id);
    if (slot === undefined) {
      slot = freeSlots.length > 0 ? freeSlots.pop()! : slots++;
      slotOf.set(o.id, slot);
    }
    code[i * 3 + 1] = slot;
    if (o.op === 'f') {
      code[i * 3] = OP_FREE;
      live -= sizes.get(o.id) ?? 0;
      blocks -= blockOf(sizes.get(o.id) ?? 0);
      sizes.delete(o.id);
      slotOf.delete(o.id);
      freeSlots.push(slot);
    } else {
      code[i * 3] = o.op === 'a' ? OP_ALLOC : OP_REALLOC;
      code[i * 3 + 2] = o.size;
      live += o.size - (sizes.get(o.id) ?? 0);
      blocks += blockOf(o.size) - (sizes.has(o.id) ? blockOf(sizes.get(o.id)!) : 0);
      sizes.set(o.id, o.size);
    }
    peakBlocks = Math.max(peakBlocks, blocks);
    peakLiveBlocks = Math.max(peakLiveBlocks, sizes.size);
    if (live > peak) {
      peak = live;
      peakAt = i;
    }
  });
  const profile = traceProfile(ops);
  return { name, source, code, slots, operations: ops.length, peakLiveBytes: profile.peakLiveBytes, peakAt, maxSize: profile.maxSize, peakLiveBlocks, ceiling: profile.peakLiveBytes / peakBlocks };
}
