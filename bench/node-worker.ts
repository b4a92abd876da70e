/**
 * One contender's Node process (forked by node-timing.ts). Each contender gets its own V8 so that its
 * JIT state (inline caches, optimised code) does not depend on which other allocators ran before it in
 * the same process; the parent interleaves the processes, one at a time, round after round.
 *
 * Messages in: init, trace, scaling, exit. Every timed sample reports operations per second (traces) or
 * nanoseconds per allocate+free pair (scaling). Pool resets between replays are not timed.
 */
import { pathToFileURL } from 'node:url';
import { makeAdapter, type ContenderSpec, type CreateAllocator } from './contenders.js';
import { makeHoles, pairs, replay, type Adapter } from './harness.mjs';
import { minimalPool } from './utilization.js';

export interface WorkerProgram {
  name: string;
  code: number[];
  slots: number;
  peakLiveBytes: number;
  /** Pool for the timed replays; 0 until the utilization search has chosen it. */
  poolSize: number;
}

export type WorkerRequest =
  | { type: 'init'; spec: ContenderSpec; library: string; programs: WorkerProgram[]; holeSizes: number[]; pairSets: Record<string, number[]>; warmMs: number }
  | { type: 'utilization'; name: string }
  | { type: 'pools'; pools: Record<string, number> }
  | { type: 'trace'; name: string; targetMs: number }
  | { type: 'scaling'; n: number; workload: string; poolSize: number; targetMs: number }
  | { type: 'exit' };

export type WorkerReply = { type: 'ready' } | { type: 'pool'; bytes: number | null } | { type: 'sample'; value: number; failed: boolean } | { type: 'error'; message: string };

let spec: ContenderSpec;
let create: CreateAllocator;
let warmMs = 200;
let holeSizes: number[] = [];
let pairSets: Record<string, number[]> = {};
const programs = new Map<string, { code: Int32Array; slots: number; peakLiveBytes: number; poolSize: number; A: Adapter | null; reps: number }>();
/** Scaling pools by hole count, and repetitions by `workload:n`. */
const holed = new Map<number, Adapter | null>();
const scaledReps = new Map<string, number>();

function send(reply: WorkerReply): void {
  process.send!(reply);
}

/** Replays `reps` times; returns the seconds spent inside replay(), or -1 if a replay ran out of memory. */
function timeReplays(A: Adapter, code: Int32Array, slots: number, reps: number): number {
  let ns = BigInt(0);
  for (let r = 0; r < reps; r++) {
    A.reset();
    const ptrs = new Array(slots).fill(0);
    const t0 = process.hrtime.bigint();
    const failedAt = replay(A, code, ptrs);
    ns += process.hrtime.bigint() - t0;
    if (failedAt !== -1) return -1;
  }
  return Number(ns) / 1e9;
}

/** How many repetitions of `once` fill `targetMs`, after warming up the JIT for warmMs. */
function calibrate(once: () => number, targetMs: number): number {
  let runs = 0;
  let spent = 0;
  const t0 = Date.now();
  do {
    const s = once();
    if (s < 0) return -1;
    spent += s;
    runs++;
  } while (Date.now() - t0 < warmMs);
  return Math.max(1, Math.round(targetMs / 1000 / (spent / runs)));
}

function traceSample(name: string, targetMs: number): WorkerReply {
  const p = programs.get(name);
  if (p === undefined) throw new Error(`unknown trace ${name}`);
  p.A ??= makeAdapter(spec, p.poolSize, create);
  if (p.A === null) return { type: 'sample', value: 0, failed: true };
  const A = p.A;
  if (p.reps === 0) p.reps = calibrate(() => timeReplays(A, p.code, p.slots, 1), targetMs);
  if (p.reps < 0) return { type: 'sample', value: 0, failed: true };
  const seconds = timeReplays(A, p.code, p.slots, p.reps);
  if (seconds < 0) return { type: 'sample', value: 0, failed: true };
  return { type: 'sample', value: (p.reps * p.code.length) / 3 / seconds, failed: false };
}

function timePairs(A: Adapter, count: number, sizes: number[]): number {
  const t0 = process.hrtime.bigint();
  const failed = pairs(A, count, sizes);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return failed === 0 ? s : -1;
}

function scalingSample(n: number, workload: string, poolSize: number, targetMs: number): WorkerReply {
  if (!holed.has(n)) {
    const A = makeAdapter(spec, poolSize, create);
    if (A !== null) makeHoles(A, n, holeSizes);
    holed.set(n, A);
  }
  const A = holed.get(n);
  const sizes = pairSets[workload];
  if (!A || sizes === undefined) return { type: 'sample', value: 0, failed: true };
  const key = `${workload}:${n}`;
  if (!scaledReps.has(key)) {
    const reps = calibrate(() => timePairs(A, sizes.length, sizes), targetMs);
    scaledReps.set(key, reps < 0 ? reps : reps * sizes.length);
  }
  const reps = scaledReps.get(key)!;
  const seconds = reps < 0 ? -1 : timePairs(A, reps, sizes);
  if (seconds < 0) return { type: 'sample', value: 0, failed: true };
  return { type: 'sample', value: (seconds * 1e9) / reps, failed: false };
}

async function handle(m: WorkerRequest): Promise<WorkerReply | null> {
  switch (m.type) {
    case 'init': {
      spec = m.spec;
      warmMs = m.warmMs;
      holeSizes = m.holeSizes;
      pairSets = m.pairSets;
      create = ((await import(pathToFileURL(m.library).href)) as { createAllocator: CreateAllocator }).createAllocator;
      for (const p of m.programs) programs.set(p.name, { code: Int32Array.from(p.code), slots: p.slots, peakLiveBytes: p.peakLiveBytes, poolSize: p.poolSize, A: null, reps: 0 });
      return { type: 'ready' };
    }
    case 'utilization': {
      const p = programs.get(m.name)!;
      const program = { name: m.name, code: p.code, slots: p.slots, peakLiveBytes: p.peakLiveBytes };
      return { type: 'pool', bytes: spec.kind === 'native' || spec.kind === 'harness' ? null : minimalPool(spec, program, create) };
    }
    case 'pools':
      for (const [name, bytes] of Object.entries(m.pools)) programs.get(name)!.poolSize = bytes;
      return { type: 'ready' };
    case 'trace':
      return traceSample(m.name, m.targetMs);
    case 'scaling':
      return scalingSample(m.n, m.workload, m.poolSize, m.targetMs);
    case 'exit':
      process.disconnect();
      return null;
  }
}

process.on('message', (m: WorkerRequest) => {
  handle(m).then(
    (reply) => reply && send(reply),
    (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) }),
  );
});
