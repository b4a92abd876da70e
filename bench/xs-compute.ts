/**
 * Target-engine cost: XS's compute meter (xsnap meterUsage.compute, a deterministic count of executed
 * byte-code work) per trace operation and per allocate+free pair, for each strategy's ESP32 device bundle
 * (dist/targets/esp32*, as built: each with the lock its target ships) and for the thi.ng bundle. The harness's own
 * cost is the same loop run with the no-op adapter in the same kind of machine, and is subtracted.
 *
 * Each contender runs in its own XS machine (bench/xs.ts), all machines at once: the meter does
 * not depend on timing. Every measured call is its own evaluation, so set-up never counts. One replay
 * per trace: XS has no JIT, and repeated replays meter exactly the same.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openXS, type XSSession } from './xs.js';
import type { Program } from './program.js';

const HARNESS = fileURLToPath(new URL('./harness.mjs', import.meta.url));

export interface XSContender {
  name: string;
  /** ES module bundle and the global it is loaded as; none for native and the harness. */
  bundle?: { source: string; global: string };
  /** Expression making the adapter, with `pool` in scope. */
  adapter: string;
}

export interface XSPlan {
  contenders: readonly XSContender[];
  programs: readonly Program[];
  poolOf: (p: Program) => number;
  scalingSizes: readonly number[];
  scalingContenders: readonly string[];
  /** Largest hole count per contender, where its set-up would take too long (absent: all sizes). */
  scalingLimit: Readonly<Record<string, number>>;
  scalingPool: (n: number) => number;
  holeSizes: readonly number[];
  pairSets: Readonly<Record<string, readonly number[]>>;
  pairs: number;
}

/**
 * compute per operation (traces) or per pair (scaling), the harness subtracted; null: ran out of memory;
 * undefined: not run (scalingLimit).
 */
export type XSTable = Map<string, Map<string, number | null | undefined>>;

export const XS_NATIVE =
  'bench.nativeAdapter((n) => new ArrayBuffer(n), (from, to) => { new Uint8Array(to).set(new Uint8Array(from, 0, Math.min(from.byteLength, to.byteLength))); return to; })';
export const XS_HARNESS = 'bench.noopAdapter()';

async function open(c: XSContender, programs: readonly Program[]): Promise<XSSession> {
  const s = await openXS();
  await s.load(readFileSync(HARNESS, 'utf8'), 'bench');
  if (c.bundle) await s.load(c.bundle.source, c.bundle.global);
  // A string literal parses several times faster in XS than an array literal of the same numbers.
  const table = programs.map((p) => `T[${JSON.stringify(p.name)}] = new Int32Array(${JSON.stringify(p.code.join(','))}.split(',').map(Number));`);
  await s.run(`globalThis.T = {};\n${table.join('\n')}`);
  return s;
}

/** Compute of one replay of `program`, or null if it ran out of memory. */
async function replayCompute(s: XSSession, c: XSContender, p: Program, pool: number): Promise<number | null> {
  await s.run(`const pool = ${pool}; globalThis.S = { A: ${c.adapter}, code: T[${JSON.stringify(p.name)}], ptrs: new Array(${p.slots}).fill(0) };`);
  const r = await s.run<number>(`return bench.replay(S.A, S.code, S.ptrs);`);
  await s.run(`globalThis.S = undefined;`);
  return r.result === -1 ? r.compute : null;
}

/** Compute of `plan.pairs` allocate+free pairs per workload with `n` holes, or null on failure. */
async function pairCompute(s: XSSession, c: XSContender, plan: XSPlan, n: number, out: Map<string, number | null>): Promise<void> {
  await s.run(`const pool = ${plan.scalingPool(n)}; globalThis.S = { A: ${c.adapter} }; bench.makeHoles(S.A, ${n}, [${plan.holeSizes.join(',')}]);`);
  for (const [workload, sizes] of Object.entries(plan.pairSets)) {
    await s.run(`S.sizes = [${sizes.join(',')}];`);
    await s.run<number>(`return bench.pairs(S.A, S.sizes.length, S.sizes);`); // first calls, not counted
    const r = await s.run<number>(`return bench.pairs(S.A, ${plan.pairs}, S.sizes);`);
    out.set(`${workload}:${n}`, r.result === 0 ? r.compute : null);
  }
  await s.run(`globalThis.S = undefined;`);
}

async function measure(c: XSContender, plan: XSPlan, scaling: boolean, log: (s: string) => void): Promise<{ traces: Map<string, number | null>; pairs: Map<string, number | null> }> {
  const s = await open(c, plan.programs);
  try {
    const traces = new Map<string, number | null>();
    for (const p of plan.programs) traces.set(p.name, await replayCompute(s, c, p, plan.poolOf(p)));
    const pairs = new Map<string, number | null>();
    log(`  XS ${c.name}: traces done`);
    if (scaling) for (const n of plan.scalingSizes) if (n <= (plan.scalingLimit[c.name] ?? Infinity)) await pairCompute(s, c, plan, n, pairs);
    log(`  XS ${c.name}: done`);
    return { traces, pairs };
  } finally {
    await s.close();
  }
}

export async function xsCompute(plan: XSPlan, log: (s: string) => void): Promise<{ perOp: XSTable; perPair: XSTable; harness: { perOp: Map<string, number>; perPair: Map<string, number> } }> {
  const harness: XSContender = { name: 'harness', adapter: XS_HARNESS };
  const all = [harness, ...plan.contenders];
  const measured = await Promise.all(all.map((c) => measure(c, plan, c === harness || plan.scalingContenders.includes(c.name), log)));
  const [base, ...rest] = measured;
  const perOp: XSTable = new Map();
  const perPair: XSTable = new Map();
  for (const p of plan.programs) {
    const h = base.traces.get(p.name)!;
    perOp.set(p.name, new Map(plan.contenders.map((c, i) => {
      const v = rest[i].traces.get(p.name);
      return [c.name, v == null ? null : (v - h) / p.operations] as const;
    })));
  }
  const scaled = plan.contenders.filter((c) => plan.scalingContenders.includes(c.name));
  for (const key of base.pairs.keys()) {
    const h = base.pairs.get(key)!;
    perPair.set(key, new Map(scaled.map((c) => {
      const v = rest[plan.contenders.indexOf(c)].pairs.get(key);
      return [c.name, v === undefined ? undefined : v === null ? null : (v - h) / plan.pairs] as const;
    })));
  }
  return {
    perOp,
    perPair,
    harness: {
      perOp: new Map(plan.programs.map((p) => [p.name, base.traces.get(p.name)! / p.operations])),
      perPair: new Map([...base.pairs].map(([key, v]) => [key, v! / plan.pairs])),
    },
  };
}
