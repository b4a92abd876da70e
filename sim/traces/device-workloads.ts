/**
 * Seeded workloads that stand for what each shipped device target runs, recorded through the
 * allocator's own `trace` option (the capture path users have), so the traces here are what a device
 * build would print. (The `sim` target's trace comes from the simulator itself: record.ts.)
 *
 * A workload is a set of request kinds; each tick starts requests of each kind with some probability,
 * and every block lives for a random number of ticks. Some kinds grow by reallocate (string builders,
 * receive buffers). The mixes are assumptions about typical apps on these chips, stated per profile.
 */
import { createAllocator } from '../../src/index.js';
import { createRandom } from '../prng.js';

interface Kind {
  /** Requests per tick (expected). */
  rate: number;
  /** Size range, bytes, log-uniform. */
  min: number;
  max: number;
  /** Lifetime range, ticks, log-uniform. */
  life: [number, number];
  /** Reallocations over its life (each grows it by half). */
  grows?: number;
}

export interface Workload {
  note: string;
  ticks: number;
  kinds: Kind[];
  /** Blocks allocated first and never freed (sockets, config, module state). */
  resident: number[];
}

export const DEVICE_WORKLOADS: Record<string, Workload> = {
  esp32: {
    note: 'Wi-Fi/HTTP app: TCP segments and JSON, sensor objects, a few long-lived buffers',
    ticks: 1400,
    resident: [4096, 2048, 1024, 512, 512, 256, 128, 128],
    kinds: [
      { rate: 1.2, min: 16, max: 96, life: [1, 40] },          // small objects, parse nodes
      { rate: 0.35, min: 96, max: 512, life: [2, 80] },        // strings, small messages
      { rate: 0.12, min: 536, max: 1460, life: [2, 30] },      // TCP segments
      { rate: 0.03, min: 256, max: 1024, life: [20, 200], grows: 3 }, // response builders
      { rate: 0.01, min: 2048, max: 4096, life: [5, 60] },     // occasional large buffer
    ],
  },
  esp8266: {
    note: '16 KiB pool: MQTT client, small messages, one 536-byte segment at a time',
    ticks: 1400,
    resident: [1024, 512, 256, 128, 64],
    kinds: [
      { rate: 0.9, min: 8, max: 64, life: [1, 30] },
      { rate: 0.2, min: 64, max: 256, life: [2, 50] },
      { rate: 0.05, min: 300, max: 536, life: [2, 20] },
      { rate: 0.02, min: 128, max: 384, life: [10, 120], grows: 2 },
    ],
  },
  'esp32-workers': {
    note: 'three Workers sharing one pool: message buffers in bursts, frames, per-worker scratch',
    ticks: 1200,
    resident: [8192, 4096, 4096, 2048, 1024, 1024, 512],
    kinds: [
      { rate: 1.5, min: 16, max: 128, life: [1, 30] },
      { rate: 0.4, min: 256, max: 4096, life: [1, 20] },       // postMessage payloads
      { rate: 0.05, min: 2048, max: 8192, life: [10, 100] },   // frames / images
      { rate: 0.04, min: 512, max: 2048, life: [20, 150], grows: 2 },
    ],
  },
};

/** Runs the workload on a roomy pool with `trace` on and returns the recorded lines. */
export function recordWorkload(w: Workload, seed = 1): string[] {
  const random = createRandom(seed).float;
  const logUniform = (lo: number, hi: number) => Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
  const lines: string[] = [];
  const heap = createAllocator({ poolSize: 4 << 20, strategy: 'first-fit', trace: (l) => lines.push(l) });
  for (const size of w.resident) heap.allocate(size);
  // Per tick: blocks to free, and blocks to grow.
  const frees = new Map<number, number[]>();
  const grows = new Map<number, number[]>();
  const at = (m: Map<number, number[]>, t: number) => { let l = m.get(t); if (!l) m.set(t, (l = [])); return l; };
  const end = w.ticks + 200;
  for (let t = 0; t < end; t++) {
    for (const p of grows.get(t) ?? []) {
      const q = heap.reallocate(p, Math.ceil(heap.usableSize(p) * 1.5));
      // Pointers change when a block moves: retarget its pending free.
      for (const list of frees.values()) { const i = list.indexOf(p); if (i >= 0) list[i] = q; }
      for (const [u, list] of grows) if (u > t) { const i = list.indexOf(p); if (i >= 0) list[i] = q; }
    }
    for (const p of frees.get(t) ?? []) heap.free(p);
    if (t >= w.ticks) continue; // drain: let everything started finish
    for (const k of w.kinds) {
      let n = Math.floor(k.rate) + (random() < k.rate % 1 ? 1 : 0);
      while (n-- > 0) {
        const p = heap.allocate(logUniform(k.min, k.max));
        const life = logUniform(k.life[0], k.life[1]);
        at(frees, t + life).push(p);
        for (let g = 1; g <= (k.grows ?? 0); g++) at(grows, t + Math.max(1, Math.floor((life * g) / ((k.grows ?? 0) + 1)))).push(p);
      }
    }
  }
  return lines;
}
