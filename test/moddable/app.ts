/**
 * The headless x-cli-lin app of test:moddable, written into a temporary directory: it includes this
 * package's manifest.json (whose x-cli-lin section maps "mcalloc/bundle"), preloads the bundle of every
 * other target as "mcalloc/targets/NAME", and its main module
 *
 *   - runs the seeded parity workload of test/xs-parity (test/helpers/workload.ts) on each preloaded
 *     bundle, printing one JSON line per target (the offsets hash and the pool hash among the counts);
 *   - times allocate and free on each bundle with a monotonic clock (cli/cli-host.c): the whole call
 *     and, for a bundle with the interrupt lock, the time interrupts stay masked (from inside
 *     disable() to inside restore() of the native mask), each minus the clock's own cost.
 *
 * manifest_base.json is left out on purpose: its Resource module needs the files of a full app, and a
 * command-line app supplies main() and fxAbort itself (cli/cli-host.c), as the SDK's own tools do.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../build/targets.mjs';
import { checkBlocks, targetModules } from '../helpers/device-checks.js';
import { MULBERRY32 } from '../helpers/workload.js';
import { ROOT } from './sdk.js';

export const CLI_APP = 'mcalloc-cli';
/** Calls timed per bundle (half allocate, half free). */
export const TIMED_CALLS = 20_000;

const TIMING = `
${MULBERRY32}
function summary(values) {
  const a = Float64Array.from(values).sort();
  const at = (q) => a[Math.min(a.length - 1, Math.floor(q * a.length))];
  let sum = 0;
  for (const v of a) sum += v;
  return { count: a.length, mean: sum / a.length, median: at(0.5), p99: at(0.99), max: a[a.length - 1] };
}
/** The clock's own cost: the median of empty measurements, subtracted from every span. */
function emptySpan(measure) {
  const v = [];
  for (let i = 0; i < 2000; i++) v.push(measure());
  return summary(v).median;
}
function timeBundle(mcalloc, masked, calls) {
  const spans = { allocate: [], free: [] };
  const maskSpans = { allocate: [], free: [], empty: [], setup: [] };
  let label = "setup", t0 = 0;
  const mask = {
    disable() { const s = irqDisable(); if (s === 0) t0 = nowNs(); return s; },
    restore(s) { if (s === 0) maskSpans[label].push(nowNs() - t0); irqRestore(s); },
  };
  const heap = mcalloc.createAllocator(masked ? { poolSize: 65536, interrupts: mask } : { poolSize: 65536 });
  const rand = mulberry32(0x6d63616c);
  const live = [];
  for (let i = 0; i < calls; i++) {
    if (live.length < 64 && (live.length === 0 || rand() < 0.5)) {
      const size = 8 + Math.floor(rand() * 505);
      label = "allocate";
      const t = nowNs();
      const p = heap.allocate(size);
      spans.allocate.push(nowNs() - t);
      if (p !== 0) live.push(p);
    } else {
      const p = live.splice(Math.floor(rand() * live.length), 1)[0];
      label = "free";
      const t = nowNs();
      heap.free(p);
      spans.free.push(nowNs() - t);
    }
  }
  const minus = (v, c) => v.map((x) => Math.max(0, x - c));
  const clock = emptySpan(() => { const t = nowNs(); return nowNs() - t; });
  const out = { clockNs: clock, call: { allocate: summary(minus(spans.allocate, clock)), free: summary(minus(spans.free, clock)) }, masked: null };
  if (masked) {
    label = "empty";
    const empty = emptySpan(() => { mask.restore(mask.disable()); return maskSpans.empty.pop(); });
    out.masked = { emptyNs: empty, allocate: summary(minus(maskSpans.allocate, empty)), free: summary(minus(maskSpans.free, empty)) };
  }
  return out;
}
`;

/** Operations of the traced run whose log test:moddable feeds to `mcalloc tune --log`. */
export const LOG_OPS = 3000;

/**
 * A traced target's facade as an app uses it: initAllocator() (whose bundle prints a trace line per
 * call through Moddable's trace(), on stdout in this app), a seeded mix of allocate, reallocate and
 * free, then destroyAllocator(). The log that results is an ordinary device log.
 */
const DEVICE_LOG = `
function deviceLog(mcalloc) {
  const rand = mulberry32(0x6c6f67);
  const live = [];
  mcalloc.initAllocator();
  for (let i = 0; i < ${LOG_OPS}; i++) {
    const r = rand();
    if (live.length < 80 && (live.length === 0 || r < 0.5)) {
      const p = mcalloc.allocateMemory(r < 0.4 ? 8 + Math.floor(rand() * 56) : 64 + Math.floor(rand() * 900));
      if (p !== 0) live.push(p);
    } else if (r < 0.62) {
      const j = Math.floor(rand() * live.length);
      const q = mcalloc.defaultHeap().reallocate(live[j], 16 + Math.floor(rand() * 1500));
      if (q !== 0) live[j] = q;
    } else {
      mcalloc.freeMemory(live.splice(Math.floor(rand() * live.length), 1)[0]);
    }
  }
  while (live.length > 0) mcalloc.freeMemory(live.pop());
  mcalloc.destroyAllocator();
  return ${LOG_OPS};
}
`;

export interface AppFiles {
  dir: string;
  /** The targets in the order main.js reports them. */
  targets: Target[];
}

/** Writes main.js and manifest.json of the app into a new temporary directory. */
export function writeCliApp(targets: Target[], platformBundle: string): AppFiles {
  const dir = join(mkdtempSync(join(tmpdir(), 'mcalloc-cli-app-')), CLI_APP);
  mkdirSync(dir);
  const bundles = targetModules(targets, platformBundle);
  const local = bundles.local;
  const lines = [
    '/* Generated by test/moddable/app.ts for test:moddable. */',
    ...bundles.imports,
    'import { irqDisable, irqRestore } from "mcalloc/irq";',
    'import { staticPool } from "mcalloc/pool";',
    'import * as device from "mcalloc";',
    'function print(text) @ "xs_cli_print";',
    'function nowNs() @ "xs_cli_now_ns";',
    'function gc() @ "xs_cli_gc";',
    'function slots() @ "xs_cli_slots";',
    'function chunks() @ "xs_cli_chunks";',
    TIMING,
    DEVICE_LOG,
    ...checkBlocks(targets, local),
    ...targets.map((t) => `{
  let timing = null, error = "";
  try { timing = timeBundle(${local(t)}, ${t.lock === 'interrupt'}, ${TIMED_CALLS}); } catch (e) { error = String(e); }
  print(JSON.stringify({ kind: "timing", target: "${t.name}", lock: "${t.lock}", timing, error }));
}`),
    ...targets.filter((t) => t.trace).map((t) => `{
  let ops = 0, error = "";
  print(JSON.stringify({ kind: "device-log-start", target: "${t.name}" }));
  try { ops = deviceLog(${local(t)}); } catch (e) { error = String(e); }
  print(JSON.stringify({ kind: "device-log", target: "${t.name}", ops, error }));
}`),
    'print(JSON.stringify({ kind: "done" }));',
  ];
  writeFileSync(join(dir, 'main.js'), `${lines.join('\n')}\n`);
  const manifest = {
    include: [join(ROOT, 'manifest.json')],
    creation: {
      chunk: { initial: 4 << 20, incremental: 1 << 20 },
      heap: { initial: 65536, incremental: 16384 },
      stack: 4096,
      keys: { initial: 256, incremental: 256, name: 127, symbol: 127 },
      parser: { buffer: 8192, table: 127 },
      main: 'main',
    },
    strip: [],
    modules: {
      '*': ['./main', join(ROOT, 'test', 'moddable', 'cli', 'cli-host')],
      ...bundles.modules,
    },
    preload: bundles.preload,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, '\t')}\n`);
  return { dir, targets };
}
