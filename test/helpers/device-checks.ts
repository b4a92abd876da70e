/**
 * The checks every device app of the tests runs on each preloaded bundle (test:moddable's x-cli-lin
 * app, test:mcu's Cortex-M3 app), as main-module text: the seeded parity workload of test/xs-parity
 * (one "parity" JSON line per target), the allocator's own RAM with an ArrayBuffer pool and with the
 * static pool and the error sweep ("ram"), parity on the static pool ("parity-static"), and
 * initAllocator() on the static pool ("static").
 *
 * The app defines what the text uses: print(text), gc(), slots(), chunks() (the engine's own counts),
 * mulberry32, staticPool (from "mcalloc/pool") and device (the "mcalloc" module).
 */
import type { ExecutionContext } from 'ava';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Target } from '../../build/targets.mjs';
import { errorSweepScript, runSweepInNode, sweptCodes, type SweepCase } from './error-sweep.js';
import { PARITY, runWorkloadInNode, workloadScript, type WorkloadResult } from './workload.js';

/**
 * Every target's bundle as a module of a device app whose platform maps `platformBundle` to
 * mcalloc/bundle (manifest.json): how main.js names each one, its import lines, and the app manifest's
 * modules and preload list for the others.
 */
export function targetModules(targets: Target[], platformBundle: string): { local: (t: Target) => string; imports: string[]; modules: Record<string, string>; preload: string[] } {
  const specifier = (t: Target) => (t.name === platformBundle ? 'mcalloc/bundle' : `mcalloc/targets/${t.name}`);
  const local = (t: Target) => `t_${t.name.replace(/[^a-z0-9]/g, '_')}`;
  const others = targets.filter((t) => t.name !== platformBundle);
  return {
    local,
    imports: targets.map((t) => `import * as ${local(t)} from "${specifier(t)}";`),
    modules: Object.fromEntries(others.map((t) => [specifier(t), join(import.meta.dirname, '..', '..', 'dist', 'targets', t.name, 'mcalloc')])),
    preload: others.map(specifier),
  };
}

/** The static pool of the app (manifest.json: defines.mcalloc.pool_size, the default). */
export const STATIC_POOL = 65536;

/** Operations of the mixed trace each allocator runs between its RAM readings. */
export const RAM_OPS = 10_000;

export const RAM = `
/** Readings go into a typed array made before any of them, so that reading makes nothing. */
const READ = new Float64Array(10);
/** A full collection, then the slots and chunk bytes in use, into READ[i] and READ[i + 1]. */
function read(i) { gc(); READ[i] = slots(); READ[i + 1] = chunks(); }
function use(i) { return { slots: READ[i] - READ[0], chunks: READ[i + 1] - READ[1] }; }
/**
 * One allocator's own RAM: what createAllocator(options) adds (the pool's own chunk included when it is
 * an ArrayBuffer), what ${RAM_OPS} mixed calls make with no collection in between (garbage), what is
 * left after them, and after destroy(). Everything the loop uses is made before the first reading.
 */
function measureRam(mcalloc, options) {
  const live = new Int32Array(64);
  const rand = mulberry32(0x72616d);
  let n = 0;
  let heap = null;
  read(0);
  heap = mcalloc.createAllocator(options);
  read(2);
  READ[4] = slots();
  READ[5] = chunks();
  for (let i = 0; i < ${RAM_OPS}; i++) {
    const r = rand();
    if (n < 64 && (n === 0 || r < 0.45)) {
      const p = heap.allocate(8 + (((r * 1e6) | 0) % 700));
      if (p !== 0) live[n++] = p;
    } else if (r < 0.6) {
      const j = ((r * 1e6) | 0) % n;
      const q = heap.reallocate(live[j], 8 + (((r * 7e6) | 0) % 900));
      if (q !== 0) live[j] = q;
    } else {
      const j = ((r * 1e6) | 0) % n;
      heap.free(live[j]);
      live[j] = live[--n];
    }
  }
  READ[4] = slots() - READ[4];
  READ[5] = chunks() - READ[5];
  read(6);
  heap.destroy();
  heap = null;
  read(8);
  return { created: use(2), calls: { slots: READ[4], chunks: READ[5] }, afterOps: use(6), destroyed: use(8) };
}
/** The static pool, zeroed (it is shared by every measurement of the app). */
function zeroedStaticPool() { const b = staticPool(); new Uint8Array(b).fill(0); return b; }
`;

/** The error sweep as the app runs it on each bundle: the bundle's own defaults (no options). */
export const SWEEP = errorSweepScript({ poolSize: 4096, strategy: '', lock: '', debug: false }).replace('const OPTIONS = {"strategy":"","lock":"","debug":false};', 'const OPTIONS = {};');

/** The check blocks (and the functions they call) for these targets; local(t) names a target's module. */
export function checkBlocks(targets: Target[], local: (t: Target) => string): string[] {
  // The RAM readings come first, on a machine nothing else has run on yet: after the parity runs, 5
  // slots of theirs were still reachable at the first reading and freed during it (SDK 8.2.3).
  const own = (block: string) => (block.startsWith('{') ? `(function () ${block})();` : block);
  return [
    RAM,
    `function sweep(mcalloc) {\n"use strict";\n${SWEEP}\n}`,
    ...targets.map((t) => `{
  let arrayBuffer = null, staticBuffer = null, errors = null, error = "", staticError = "";
  try { arrayBuffer = measureRam(${local(t)}, { poolSize: ${t.poolSize} }); } catch (e) { error = String(e); }
  try { const buffer = zeroedStaticPool(); staticBuffer = measureRam(${local(t)}, { buffer }); } catch (e) { staticError = String(e); }
  try { errors = sweep(${local(t)}); } catch (e) { error += String(e); }
  print(JSON.stringify({ kind: "ram", target: "${t.name}", poolSize: ${t.poolSize}, arrayBuffer, staticBuffer, errors, error, staticError }));
}`),
    ...targets.map((t) => {
      const script = workloadScript({ ...PARITY, poolSize: t.poolSize, strategy: t.strategy, lock: t.lock, debug: t.debug });
      return `function parity_${local(t)}(mcalloc) {\n"use strict";\n${script}\n}`;
    }),
    ...targets.map((t) => `{
  let result = null, error = "";
  try { result = parity_${local(t)}(${local(t)}); } catch (e) { error = String(e); }
  print(JSON.stringify({ kind: "parity", target: "${t.name}", result, error }));
}`),
    ...targets.filter((t) => t.poolSize === STATIC_POOL && t.lock !== 'atomics').map((t) => {
      const script = workloadScript({ ...PARITY, poolSize: t.poolSize, strategy: t.strategy, lock: t.lock, debug: t.debug, buffer: 'zeroedStaticPool()' });
      return `{
  let result = null, error = "";
  try { result = (function (mcalloc) {\n"use strict";\n${script}\n})(${local(t)}); } catch (e) { error = String(e); }
  print(JSON.stringify({ kind: "parity-static", target: "${t.name}", result, error }));
}`;
    }),
    `{
  let line = null, error = "";
  try {
    // As at boot (.bss is zero): the parity runs above left their pools in the static memory, and a
    // buffer that holds a pool is not formatted again without reformat: true.
    zeroedStaticPool();
    read(0);
    const heap = device.initAllocator();
    read(2);
    line = { poolSize: heap.poolSize, arrayBuffer: heap.buffer instanceof ArrayBuffer, grew: use(2), p: heap.allocate(100) };
    device.destroyAllocator();
  } catch (e) { error = String(e); }
  print(JSON.stringify({ kind: "static", line, error }));
}`,
  ].map(own);
}

// ---- What the specs assert of the lines the check blocks print (test:moddable and test:mcu alike).

export interface Use { slots: number; chunks: number }
export interface Ram { created: Use; calls: Use; afterOps: Use; destroyed: Use }
/** A JSON line of a device app. */
export interface CheckLine {
  kind: string; target?: string; result?: WorkloadResult; error?: string;
  poolSize?: number; arrayBuffer?: Ram; staticBuffer?: Ram | null; errors?: SweepCase[]; staticError?: string;
  line?: { poolSize: number; arrayBuffer: boolean; grew: Use; p: number };
}
/** The RAM goal per allocator, beside its pool: slots (16 bytes each on a 32-bit MCU), chunk bytes. */
export const MAX_SLOTS = 64;

type T = ExecutionContext;
const bundleOf = async (target: Target) => import(pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'targets', target.name, 'mcalloc.js')).href) as Promise<unknown>;
const find = (lines: CheckLine[], kind: string, target?: Target) => lines.find((l) => l.kind === kind && (target === undefined || l.target === target.name));

/** The bundle's parity workload on the device gives Node's offsets and pool (the salt is the device's: a preloaded Math is frozen). */
export async function assertParity(t: T, lines: CheckLine[], target: Target, kind = 'parity'): Promise<WorkloadResult | undefined> {
  const line = find(lines, kind, target);
  t.truthy(line, `no ${kind} line for ${target.name}`);
  t.is(line?.error, '', target.name);
  if (line?.result === undefined) return undefined;
  const script = workloadScript({ ...PARITY, poolSize: target.poolSize, strategy: target.strategy, lock: target.lock, debug: target.debug });
  const node = runWorkloadInNode(script, await bundleOf(target), line.result.salt);
  t.deepEqual(line.result, node, target.name);
  return node;
}

/**
 * One allocator's own RAM, with a reserved pool (an ArrayBuffer in the chunk heap, or a SharedArrayBuffer
 * outside it for the atomics lock, which also refuses the static pool) and with the static pool: at most
 * MAX_SLOTS slots and no chunk beside the pool, nothing made by RAM_OPS calls, nothing left after destroy().
 * Returns what the RAM table of docs/device.md needs.
 */
export function assertRam(t: T, lines: CheckLine[], target: Target): { staticPool: Ram | null; arrayBuffer: Ram; poolSize: number; pooledInChunks: boolean } {
  const line = find(lines, 'ram', target);
  t.truthy(line, `no ram line for ${target.name}`);
  t.is(line?.error, '');
  const pooledInChunks = target.lock !== 'atomics';
  if (target.lock === 'atomics') t.regex(line?.staticError ?? '', /INVALID_OPTIONS/);
  else t.is(line?.staticError, '');
  const pools: [string, Ram][] = [['reserved pool', line!.arrayBuffer!]];
  if (target.lock !== 'atomics') pools.push(['static pool', line!.staticBuffer!]);
  for (const [pool, ram] of pools) {
    const beside = pool === 'static pool' || !pooledInChunks ? ram.created.chunks : ram.created.chunks - target.poolSize;
    t.true(ram.created.slots <= MAX_SLOTS, `${pool}: ${ram.created.slots} slots`);
    t.deepEqual(ram.calls, { slots: 0, chunks: 0 }, `${pool}: made during ${RAM_OPS} calls`);
    t.deepEqual(ram.afterOps, ram.created, `${pool}: steady over ${RAM_OPS} calls`);
    t.deepEqual(ram.destroyed, { slots: 0, chunks: 0 }, `${pool}: left after destroy()`);
    if (pool === 'static pool') t.is(beside, 0, `${pool}: chunk bytes`);
    else t.true(beside >= 0 && beside <= 64, `${pool}: ${beside} chunk bytes beside it`);
    t.log(`${pool}: ${ram.created.slots} slots, ${beside} chunk bytes beside the pool; ${ram.calls.slots} slots and ${ram.calls.chunks} chunk bytes made by ${RAM_OPS} calls`);
  }
  return { staticPool: line!.staticBuffer ?? null, arrayBuffer: line!.arrayBuffer!, poolSize: target.poolSize, pooledInChunks };
}

/** Every error code the sweep triggers arrives as an AllocatorError with Node's code, name and message. */
export async function assertSweep(t: T, lines: CheckLine[], target: Target): Promise<void> {
  const line = find(lines, 'ram', target);
  t.is(line?.error, '');
  const cases = line?.errors ?? [];
  t.deepEqual([...new Set(cases.map((c) => c.expect))].sort(), sweptCodes(target.lock).sort());
  for (const c of cases) t.true(c.threw && c.typed && c.isError && c.code === c.expect && c.name === 'AllocatorError', `${c.what}: ${c.name} ${c.message}`);
  t.deepEqual(cases, runSweepInNode(SWEEP, await bundleOf(target)));
}

/**
 * initAllocator() takes the static pool (C memory: the chunk heap does not grow) and parity holds on it
 * for every target whose pool is the static pool's size. Returns what it grew by.
 */
export async function assertStaticPool(t: T, lines: CheckLine[], targets: Target[]): Promise<{ poolSize: number; chunks: number; slots: number }> {
  const line = find(lines, 'static');
  t.is(line?.error, '');
  const s = line!.line!;
  t.is(s.poolSize, STATIC_POOL);
  t.false(s.arrayBuffer, 'a host buffer, not an ArrayBuffer');
  t.true(s.p > 0);
  t.is(s.grew.chunks, 0, `the chunk heap grew by ${s.grew.chunks} bytes`);
  const checked = targets.filter((x) => x.poolSize === STATIC_POOL && x.lock !== 'atomics');
  t.true(checked.length > 0);
  for (const target of checked) {
    t.log(`${target.name}: the parity workload on the static pool gives Node's offsets and pool`);
    await assertParity(t, lines, target, 'parity-static');
  }
  return { poolSize: s.poolSize, chunks: s.grew.chunks, slots: s.grew.slots };
}
