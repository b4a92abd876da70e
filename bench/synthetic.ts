/**
 * Seeded synthetic traces. Each one models a pattern the issue names; none is tuned to any allocator.
 * Sizes are request sizes in bytes, as a program would pass them to malloc.
 */
import type { TraceOp } from '../sim/trace.js';
import { int, logUniform, rng, type Rng } from './rng.js';

/** Records operations with fresh IDs, the way a program would call malloc/free/realloc. */
class Recorder {
  readonly ops: TraceOp[] = [];
  private nextId = 1;
  alloc(size: number): number {
    const id = this.nextId++;
    this.ops.push({ op: 'a', id, size });
    return id;
  }
  free(id: number): void {
    this.ops.push({ op: 'f', id });
  }
  realloc(id: number, size: number): void {
    this.ops.push({ op: 'r', id, size });
  }
}

function takeRandom<T>(r: Rng, items: T[]): T {
  const i = Math.floor(r() * items.length);
  const item = items[i];
  items[i] = items[items.length - 1];
  items.pop();
  return item;
}

/** Small objects (records, strings, descriptors): mostly under 48 bytes, a few up to 128. */
function smallObject(r: Rng): number {
  return 8 + Math.floor(r() * r() * 120);
}

/** Network buffers: control frames, medium payloads, full Ethernet frames. */
function packet(r: Rng): number {
  const u = r();
  if (u < 0.55) return int(r, 40, 128);
  if (u < 0.9) return int(r, 256, 576);
  return int(r, 1460, 1514);
}

/**
 * An embedded device: long-lived small objects made at start-up and occasionally replaced, and packet
 * buffers that arrive, wait in a queue of varying depth and are released in order; now and then a
 * short-lived parse buffer.
 */
export function embeddedTrace(steps: number, seed = 1): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  const objects: number[] = [];
  for (let i = 0; i < 160; i++) objects.push(t.alloc(smallObject(r)));
  const queue: number[] = [];
  const temps: { id: number; until: number }[] = [];
  let depth = 8;
  for (let step = 0; step < steps; step++) {
    if (step % 200 === 0) depth = int(r, 2, 24); // traffic bursts and lulls
    queue.push(t.alloc(packet(r)));
    while (queue.length > depth) t.free(queue.shift()!);
    if (r() < 0.1) {
      t.free(takeRandom(r, objects));
      objects.push(t.alloc(smallObject(r)));
    }
    if (r() < 0.05) temps.push({ id: t.alloc(int(r, 64, 512)), until: step + int(r, 1, 3) });
    for (let i = temps.length - 1; i >= 0; i--) {
      if (temps[i].until <= step) t.free(temps.splice(i, 1)[0].id);
    }
  }
  for (const id of [...queue, ...temps.map((x) => x.id), ...objects]) t.free(id);
  return t.ops;
}

/**
 * Random sizes (log-uniform 8..4096) with frees and reallocations (grow and shrink) at random, around a
 * live set of about `live` objects.
 */
export function randomReallocTrace(steps: number, live = 200, seed = 2): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  const ids: number[] = [];
  const sizes = new Map<number, number>();
  for (let step = 0; step < steps; step++) {
    const u = r();
    // Allocate more often below the target live count, free more often above it.
    const pAlloc = ids.length < live ? 0.45 : 0.25;
    if (u < pAlloc || ids.length === 0) {
      const size = logUniform(r, 8, 4096);
      const id = t.alloc(size);
      ids.push(id);
      sizes.set(id, size);
    } else if (u < 0.7) {
      const id = takeRandom(r, ids);
      t.free(id);
      sizes.delete(id);
    } else {
      // Grow or shrink by up to 2x either way (symmetric in log scale, so sizes do not drift), or replace.
      const id = ids[Math.floor(r() * ids.length)];
      const old = sizes.get(id)!;
      const size = r() < 0.7 ? Math.min(4096, Math.max(8, Math.round(old * 2 ** (2 * r() - 1)))) : logUniform(r, 8, 4096);
      t.realloc(id, size);
      sizes.set(id, size);
    }
  }
  for (const id of ids) t.free(id);
  return t.ops;
}

/**
 * Fragments address-ordered first fit: large holes at low addresses, small holes above them, then a
 * stream of small long-lived objects interleaved with large transient buffers. First fit carves the small
 * objects out of the large holes (the first that fits), so the large buffers no longer fit there and
 * the pool must grow; a size-aware policy puts them into the small holes. Repeated in rounds with
 * jittered sizes.
 */
export function adversarialFirstFitTrace(rounds: number, seed = 3): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  const keep: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const big = int(r, 400, 560);
    const small = int(r, 16, 40);
    const holes = 48;
    const bigHoles: number[] = [];
    const smallHoles: number[] = [];
    for (let i = 0; i < holes; i++) {
      bigHoles.push(t.alloc(big));
      keep.push(t.alloc(16)); // separator: keeps the holes apart
    }
    for (let i = 0; i < holes; i++) {
      smallHoles.push(t.alloc(small));
      keep.push(t.alloc(16));
    }
    for (const id of [...bigHoles, ...smallHoles]) t.free(id);
    const transient: number[] = [];
    for (let i = 0; i < holes; i++) {
      keep.push(t.alloc(small));
      transient.push(t.alloc(big));
      if (transient.length > holes / 2) t.free(transient.shift()!);
    }
    for (const id of transient) t.free(id);
    // Retire part of the long-lived set so later rounds reuse (and re-fragment) the space.
    for (let i = keep.length - 1; i >= 0; i--) if (r() < 0.5) t.free(keep.splice(i, 1)[0]);
  }
  for (const id of keep) t.free(id);
  return t.ops;
}

/**
 * The CS:APP malloc-lab `coalescing` kind: two blocks of one size allocated side by side and both freed,
 * so that each free merges with its neighbour (the order of the two frees alternates at random, so both
 * the merge with the block above and the one below occur); now and then a block of twice the size
 * takes the merged space. The free list stays a block or two long: a first-fit list is at its best here.
 */
export function coalescingTrace(pairs: number, seed = 5): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  const size = int(r, 2048, 4095);
  for (let i = 0; i < pairs; i++) {
    const a = t.alloc(size);
    const b = t.alloc(size);
    if (r() < 0.5) {
      t.free(a);
      t.free(b);
    } else {
      t.free(b);
      t.free(a);
    }
    if (r() < 0.25) t.free(t.alloc(2 * size));
  }
  return t.ops;
}

/**
 * The CS:APP malloc-lab `realloc` kind: one buffer grown step by step by reallocate while small blocks
 * come and go around it: one allocated after each step and freed a step later (as in the malloc-lab
 * trace), and a few that stay until the buffer is done (the records it describes). Those fill the holes
 * the buffer leaves when it moves, so that in time a small block lands right behind it: the growth
 * happens in place at times and moves the buffer at others, whatever the placement policy. At its cap
 * the buffer is released with its records and a new one starts, as an app sends a message it assembled.
 */
export function reallocTrace(steps: number, seed = 6): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  let size = int(r, 64, 512);
  let buffer = t.alloc(size);
  let cap = int(r, 8192, 16384);
  let small: number | null = null;
  let records: number[] = [];
  for (let step = 0; step < steps; step++) {
    size += int(r, 16, 192);
    if (size > cap) {
      t.free(buffer);
      for (const id of records) t.free(id);
      records = [];
      size = int(r, 64, 512);
      cap = int(r, 8192, 16384);
      buffer = t.alloc(size);
      continue;
    }
    t.realloc(buffer, size);
    const next = t.alloc(int(r, 16, 128));
    if (small !== null) t.free(small);
    small = next;
    if (r() < 0.3) records.push(t.alloc(int(r, 32, 256)));
  }
  if (small !== null) t.free(small);
  for (const id of records) t.free(id);
  t.free(buffer);
  return t.ops;
}

/**
 * The CS:APP malloc-lab `binary` kind: small long-lived blocks interleaved with large short-lived ones.
 * Each round allocates pairs (a small block of 16-64 B that stays, a large one of 256-512 B), frees every
 * large one, then asks for larger blocks (512-1024 B) in the space they left, and frees those. An
 * allocator that puts small and large blocks in the same free space leaves the large holes split by
 * small blocks, too short for the larger requests.
 */
export function binaryTrace(rounds: number, pairs = 48, seed = 7): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  const small: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const large: number[] = [];
    for (let i = 0; i < pairs; i++) {
      small.push(t.alloc(int(r, 16, 64)));
      large.push(t.alloc(int(r, 256, 512)));
    }
    for (const id of large) t.free(id);
    const larger: number[] = [];
    for (let i = 0; i < pairs / 2; i++) larger.push(t.alloc(int(r, 512, 1024)));
    for (const id of larger) t.free(id);
    // The small blocks live for two rounds, freed in random order, as long-lived objects go in time.
    while (small.length > pairs) t.free(takeRandom(r, small));
  }
  for (const id of small) t.free(id);
  return t.ops;
}

/**
 * The CS:APP malloc-lab `realloc2` kind: a buffer grown by reallocate in small steps (5-64 B) from
 * 2-4 KiB, a 16-64 B block allocated after each step and freed three steps later. The small blocks
 * are the buffer's neighbours: one placed right behind the buffer forces it to move.
 * At 16-24 KiB the buffer is released and a new one starts.
 */
export function reallocNeighboursTrace(steps: number, seed = 8): TraceOp[] {
  const r = rng(seed);
  const t = new Recorder();
  let size = int(r, 2048, 4096);
  let cap = int(r, 16384, 24576);
  let buffer = t.alloc(size);
  const small: number[] = [];
  for (let step = 0; step < steps; step++) {
    size += int(r, 5, 64);
    if (size > cap) {
      t.free(buffer);
      size = int(r, 2048, 4096);
      cap = int(r, 16384, 24576);
      buffer = t.alloc(size);
      continue;
    }
    t.realloc(buffer, size);
    small.push(t.alloc(int(r, 16, 64)));
    if (small.length > 3) t.free(small.shift()!);
  }
  for (const id of small) t.free(id);
  t.free(buffer);
  return t.ops;
}
