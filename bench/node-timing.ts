/**
 * Node timings, side by side: one forked process per contender (node-worker.ts), driven one at a time.
 * Every round visits each trace (then each scaling size) and, within it, every contender in a fresh
 * shuffled order, so slow drifts of a noisy machine spread over all contenders instead of favouring
 * whoever ran first. Each contender's first visit of a trace warms its JIT up before timing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Contender } from './contenders.js';
import type { WorkerProgram, WorkerReply, WorkerRequest } from './node-worker.js';
import { rng, shuffle } from './rng.js';
import { summarize, type Summary } from './stats.js';

const WORKER = fileURLToPath(new URL('./node-worker.ts', import.meta.url));

export interface TimingPlan {
  contenders: readonly Contender[];
  library: string;
  programs: WorkerProgram[];
  scalingSizes: readonly number[];
  /** Contenders (names) measured in the scaling runs. */
  scalingContenders: readonly string[];
  scalingPool: (n: number) => number;
  /** Smallest pool of the timed replays, whatever the traces need. */
  minTimingPool: number;
  holeSizes: number[];
  /** Request sizes of the allocate+free pairs, by scaling workload. */
  pairSets: Record<string, number[]>;
  rounds: number;
  sampleMs: number;
  warmMs: number;
}

/** results[trace, or `workload:N` for scaling][contender] */
export type Table = Map<string, Map<string, Summary | 'failed'>>;

class Worker {
  private readonly child: ChildProcess;
  private waiting: ((r: WorkerReply) => void) | null = null;
  constructor(readonly contender: Contender) {
    this.child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: WorkerReply) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(r);
    });
    this.child.on('exit', (code) => {
      if (this.waiting) this.waiting({ type: 'error', message: `worker for ${contender.name} exited (${code})` });
    });
  }
  ask(m: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.waiting = (r) => (r.type === 'error' ? reject(new Error(`${this.contender.name}: ${r.message}`)) : resolve(r));
      this.child.send(m);
    });
  }
  close(): void {
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies WorkerRequest);
  }
}

async function sampleOf(w: Worker, m: WorkerRequest): Promise<number | null> {
  const r = await w.ask(m);
  if (r.type !== 'sample') throw new Error(`${w.contender.name}: unexpected reply ${r.type}`);
  return r.failed ? null : r.value;
}

function collect(raw: Map<string, Map<string, number[] | null>>): Table {
  const out: Table = new Map();
  for (const [key, row] of raw) {
    out.set(key, new Map([...row].map(([name, v]) => [name, v === null ? 'failed' : summarize(v)] as const)));
  }
  return out;
}

function record(raw: Map<string, Map<string, number[] | null>>, key: string, name: string, value: number | null): void {
  if (!raw.has(key)) raw.set(key, new Map());
  const row = raw.get(key)!;
  if (value === null) row.set(name, null);
  else if (row.get(name) !== null) row.set(name, [...(row.get(name) ?? []), value]);
}

export interface NodeResults {
  /** Smallest completing pool, by trace and contender (null: none up to 64 MiB). */
  minimalPools: Map<string, Map<string, number | null>>;
  /** Pool of the timed replays, by trace (the same for every contender). */
  timingPools: Map<string, number>;
  throughput: Table;
  scaling: Table;
}

/**
 * First the utilization search (every process at once: it is not timed), which also chooses the pool of
 * the timed replays: twice the largest smallest pool of any contender, so every one of them completes.
 */
export async function nodeTimings(plan: TimingPlan, log: (s: string) => void): Promise<NodeResults> {
  const workers = plan.contenders.map((c) => new Worker(c));
  try {
    await Promise.all(
      workers.map((w) =>
        w.ask({ type: 'init', spec: w.contender.spec, library: plan.library, programs: plan.programs, holeSizes: plan.holeSizes, pairSets: plan.pairSets, warmMs: plan.warmMs }),
      ),
    );
    log('  utilization: binary search of the smallest pool');
    const minimalPools = new Map<string, Map<string, number | null>>(plan.programs.map((p) => [p.name, new Map()]));
    await Promise.all(
      workers.map(async (w) => {
        for (const p of plan.programs) {
          const r = await w.ask({ type: 'utilization', name: p.name });
          if (r.type === 'pool' && w.contender.pooled) minimalPools.get(p.name)!.set(w.contender.name, r.bytes);
        }
      }),
    );
    const timingPools = new Map(plan.programs.map((p) => {
      const largest = Math.max(0, ...[...minimalPools.get(p.name)!.values()].map((b) => b ?? 0));
      return [p.name, Math.max(plan.minTimingPool, Math.ceil((2 * largest) / 4096) * 4096)] as const;
    }));
    await Promise.all(workers.map((w) => w.ask({ type: 'pools', pools: Object.fromEntries(timingPools) })));
    const throughput = new Map<string, Map<string, number[] | null>>();
    const scaling = new Map<string, Map<string, number[] | null>>();
    const order = rng(99);
    const scalers = workers.filter((w) => plan.scalingContenders.includes(w.contender.name));
    for (let round = 0; round < plan.rounds; round++) {
      log(`  Node round ${round + 1}/${plan.rounds}`);
      for (const p of plan.programs) {
        for (const w of shuffle(order, [...workers])) {
          if (throughput.get(p.name)?.get(w.contender.name) === null) continue; // failed once: out
          record(throughput, p.name, w.contender.name, await sampleOf(w, { type: 'trace', name: p.name, targetMs: plan.sampleMs }));
        }
      }
      for (const workload of Object.keys(plan.pairSets)) {
        for (const n of plan.scalingSizes) {
          const key = `${workload}:${n}`;
          for (const w of shuffle(order, [...scalers])) {
            if (scaling.get(key)?.get(w.contender.name) === null) continue;
            record(scaling, key, w.contender.name, await sampleOf(w, { type: 'scaling', n, workload, poolSize: plan.scalingPool(n), targetMs: plan.sampleMs }));
          }
        }
      }
    }
    return { minimalPools, timingPools, throughput: collect(throughput), scaling: collect(scaling) };
  } finally {
    for (const w of workers) w.close();
  }
}
