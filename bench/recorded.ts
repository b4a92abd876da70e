/**
 * The recorded trace: the simulator's own (`npm run sim -- --record FILE`) when it is available, else an
 * app-like workload replayed through mcalloc with its `trace` option, which writes the same line format.
 * Either way the trace is what an allocator actually saw, not a list we wrote by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrace, type TraceOp } from '../sim/trace.js';
import { int, rng } from './rng.js';

export interface Recorded {
  ops: TraceOp[];
  /** Where the trace came from, for the results. */
  source: string;
}

type MiniAllocator = { allocate(n: number): number; reallocate(p: number, n: number): number; free(p: number): void };
export type Create = (o: { poolSize: number; strategy: string; trace: (line: string) => void }) => MiniAllocator;

/** `npm run sim -- --workload W --seed 1 --ops N --json --record FILE`: reproducible and quick. */
function fromSimulator(workload: string, ops: number, timeoutMs: number): Recorded | null {
  if (!existsSync('sim/run.ts')) return null;
  const dir = mkdtempSync(join(tmpdir(), 'mcalloc-bench-'));
  const file = join(dir, 'sim.trace');
  try {
    const argv = ['--workload', workload, '--seed', '1', '--ops', String(ops), '--json', '--record', file];
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim/run.ts', ...argv], { timeout: timeoutMs, encoding: 'utf8' });
    if (run.status !== 0 || !existsSync(file)) return null;
    const trace = parseTrace(readFileSync(file, 'utf8'), { lenient: true });
    return trace.length > 0 ? { ops: trace, source: `recorded by the simulator: npm run sim -- ${argv.slice(0, -2).join(' ')} --record FILE` } : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A sensor node talking JSON over MQTT: readings appended to a growing buffer (realloc doubling),
 * messages serialised and sent, subscriptions and timers created and dropped.
 */
function fromTraceOption(create: Create, steps: number): Recorded {
  const lines: string[] = [];
  const heap = create({ poolSize: 1 << 22, strategy: 'tlsf', trace: (line) => lines.push(line) });
  const r = rng(4);
  const subscriptions: number[] = [];
  for (let i = 0; i < 24; i++) subscriptions.push(heap.allocate(int(r, 24, 96)));
  let batch = heap.allocate(64);
  let batchCap = 64;
  let batchLen = 0;
  const inflight: number[] = [];
  for (let step = 0; step < steps; step++) {
    const reading = heap.allocate(int(r, 12, 40)); // a parsed sample
    batchLen += int(r, 20, 60);
    if (batchLen > batchCap) {
      batchCap *= 2;
      batch = heap.reallocate(batch, batchCap);
    }
    heap.free(reading);
    if (batchLen > 900 || r() < 0.02) {
      inflight.push(heap.allocate(batchLen + 32)); // the MQTT PUBLISH frame
      heap.free(batch);
      batch = heap.allocate(64);
      batchCap = 64;
      batchLen = 0;
    }
    if (inflight.length > 0 && r() < 0.3) heap.free(inflight.shift()!); // PUBACK received
    if (r() < 0.01) {
      const i = Math.floor(r() * subscriptions.length);
      heap.free(subscriptions[i]);
      subscriptions[i] = heap.allocate(int(r, 24, 96));
    }
  }
  for (const p of [...inflight, ...subscriptions, batch]) heap.free(p);
  return { ops: parseTrace(lines.join('\n')), source: "recorded through mcalloc's trace option (the simulator's --record was not available)" };
}

/** The simulator's `steady` and `fragment` workloads, or the trace-option fallback when it cannot run. */
export function recordedTraces(create: Create, ops: number, timeoutMs: number): { name: string; recorded: Recorded }[] {
  const out: { name: string; recorded: Recorded }[] = [];
  for (const workload of ['steady', 'fragment']) {
    const r = fromSimulator(workload, ops, timeoutMs);
    if (r !== null) out.push({ name: `sim-${workload}`, recorded: r });
  }
  return out.length > 0 ? out : [{ name: 'recorded', recorded: fromTraceOption(create, ops / 4) }];
}
