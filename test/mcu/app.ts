/**
 * The app test:mcu builds for the Cortex-M3 board (mcu.ts), written into a temporary directory. It
 * includes this package's manifest.json as a user's app does (its zephyr section maps "mcalloc/bundle"
 * to the esp32 bundle, the MCU interrupt mask and the static pool), preloads the bundle of every other
 * target as "mcalloc/targets/NAME", and its main module does one of two things, chosen by the run's
 * argument (mcu-host's args()):
 *
 *   - `checks`: the device checks of test/helpers/device-checks.ts on every bundle (parity with Node,
 *     the allocator's own RAM, the error sweep, the static pool), one JSON line each;
 *   - `instructions`: replays a few bench traces through the bench's own adapters (bench/harness.mjs)
 *     for the esp32 bundle, @thi.ng/malloc and `new ArrayBuffer`, timing every call with the
 *     instruction clock (QEMU -icount shift=0): one JSON line per trace and contender.
 *
 * Its main is not preloaded (xsl would run it at link time); the traces and the harness are ordinary
 * modules in flash, thi.ng's bundle too (it is not written to be preloaded).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../build/targets.mjs';
import { compile, type Program } from '../../bench/program.js';
import { coalescingTrace, embeddedTrace, reallocTrace } from '../../bench/synthetic.js';
import { bundleThing } from '../../bench/thing-bundle.js';
import { parseTrace } from '../../sim/trace.js';
import { checkBlocks, targetModules } from '../helpers/device-checks.js';
import { MULBERRY32 } from '../helpers/workload.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The bundle "mcalloc/bundle" is on the zephyr platform (manifest.json). */
export const MCU_BUNDLE = 'esp32';

/** The bench traces replayed for instructions per call: small enough for the board's XS heap. */
export function mcuPrograms(): Program[] {
  const device = readFileSync(join(ROOT, 'sim', 'traces', 'esp32.trace'), 'utf8');
  return [
    compile('embedded', 'bench: 160 long-lived small objects and queued packet buffers', embeddedTrace(2000)),
    compile('coalescing', 'bench: the CS:APP coalescing kind', coalescingTrace(1000)),
    compile('realloc', 'bench: the CS:APP realloc kind', reallocTrace(1500)),
    compile('esp32', 'sim/traces/esp32.trace: the esp32 target\'s recorded workload', parseTrace(device)),
  ];
}

/** The pool each contender gets for a trace: room for its peak four times over. */
export const poolFor = (p: Program) => Math.ceil((4 * p.peakLiveBytes + 16384) / 4096) * 4096;

/** The contenders of the instruction count, as adapter expressions of the harness (bench/harness.mjs). */
export const CONTENDERS = [
  { name: 'mcalloc esp32', adapter: 'bench.mcallocAdapter(mcalloc.createAllocator({ poolSize: pool }))' },
  { name: '@thi.ng/malloc', adapter: 'bench.thingAdapter(MemPool, pool, true)' },
  {
    name: 'new ArrayBuffer',
    adapter: 'bench.nativeAdapter((n) => new ArrayBuffer(n), (from, to) => { new Uint8Array(to).set(new Uint8Array(from, 0, Math.min(from.byteLength, to.byteLength))); return to; })',
  },
  { name: 'harness', adapter: 'bench.noopAdapter()' },
] as const;

/**
 * Every call of a replay timed by the instruction clock, less the clock's own cost (the median of
 * empty measurements); allocate, free and reallocate apart. Stops at the first request that fails.
 */
const INSTRUCTIONS = `
function summary(v, n) {
  const a = v.slice(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  return { count: n, mean: n ? sum / n : 0, median: n ? a[n >> 1] : 0, p99: n ? a[Math.min(n - 1, Math.floor(n * 0.99))] : 0, max: n ? a[n - 1] : 0 };
}
function clockCost() {
  const v = new Float64Array(1000);
  for (let i = 0; i < v.length; i++) { const t = instructions(); v[i] = instructions() - t; }
  return summary(v, v.length).median;
}
function timedReplay(A, code, ptrs) {
  const n = code.length / 3;
  const spans = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const counts = [0, 0, 0];
  const clock = clockCost();
  let failedAt = -1;
  for (let i = 0; i < code.length; i += 3) {
    const op = code[i], slot = code[i + 1], size = code[i + 2];
    let p = 0;
    const t = instructions();
    if (op === 0) p = A.alloc(size);
    else if (op === 1) A.free(ptrs[slot]);
    else p = A.realloc(ptrs[slot], size);
    const took = instructions() - t - clock;
    spans[op][counts[op]++] = took > 0 ? took : 0;
    if (op === 1) ptrs[slot] = 0;
    else if (p === 0 && size !== 0) { failedAt = i / 3; break; }
    else ptrs[slot] = p;
  }
  return { clock, failedAt, allocate: summary(spans[0], counts[0]), free: summary(spans[1], counts[1]), reallocate: summary(spans[2], counts[2]) };
}
/** A trace as the traces module holds it: the (op, slot, size) triples as one string of numbers. */
function parseCode(text) {
  const code = new Int32Array(text.length >> 1);
  let n = 0, v = 0, digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c === 44) { if (digits) { code[n++] = v; v = 0; digits = 0; } }
    else { v = v * 10 + (c - 48); digits++; }
  }
  return code.slice(0, n);
}
`;

export interface McuApp {
  dir: string;
  targets: Target[];
  programs: Program[];
}

/** Writes the app (main.js, manifest.json, the traces, the harness and thi.ng's bundle) into a new temporary directory. */
export async function writeMcuApp(targets: Target[]): Promise<McuApp> {
  const dir = join(mkdtempSync(join(tmpdir(), 'mcalloc-mcu-app-')), 'mcalloc-mcu');
  mkdirSync(dir);
  const programs = mcuPrograms();
  const bundles = targetModules(targets, MCU_BUNDLE);
  const local = bundles.local;
  const main = [
    '/* Generated by test/mcu/app.ts for test:mcu. */',
    ...bundles.imports,
    'import * as mcalloc from "mcalloc/bundle";',
    'import { staticPool } from "mcalloc/pool";',
    'import * as device from "mcalloc";',
    'import * as bench from "harness";',
    'import { MemPool } from "thing";',
    'import { TRACES } from "traces";',
    'import { args, chunks, gc, instructions, pointerSize, slotSize, slots } from "mcu-host";',
    'function print(text) { trace(`${text}\\n`); }',
    MULBERRY32,
    INSTRUCTIONS,
    'const mode = args();',
    'print(JSON.stringify({ kind: "engine", slot: slotSize(), pointer: pointerSize(), mode }));',
    'if (mode === "checks") {',
    ...checkBlocks(targets, local),
    '}',
    'if (mode === "instructions") {',
    `  const contenders = [${CONTENDERS.map((c) => `[${JSON.stringify(c.name)}, (pool) => ${c.adapter}]`).join(', ')}];`,
    '  for (const name in TRACES) {',
    '    const t = TRACES[name];',
    '    const code = parseCode(t.code);',
    '    for (const [contender, make] of contenders) {',
    '      let result = null, error = "";',
    '      gc();',
    '      try { result = timedReplay(make(t.pool), code, new Array(t.slots).fill(0)); } catch (e) { error = String(e); }',
    '      print(JSON.stringify({ kind: "instructions", trace: name, contender, result, error }));',
    '    }',
    '  }',
    '}',
    'print(JSON.stringify({ kind: "done" }));',
  ];
  writeFileSync(join(dir, 'main.js'), `${main.join('\n')}\n`);
  const traces = programs.map((p) => `\t${JSON.stringify(p.name)}: { pool: ${poolFor(p)}, slots: ${p.slots}, code: ${JSON.stringify(Array.from(p.code).join(','))} },`);
  writeFileSync(join(dir, 'traces.js'), `/* Generated by test/mcu/app.ts: bench traces as (op, slot, size) triples. */\nexport const TRACES = {\n${traces.join('\n')}\n};\n`);
  copyFileSync(join(ROOT, 'bench', 'harness.mjs'), join(dir, 'harness.js'));
  writeFileSync(join(dir, 'thing.js'), (await bundleThing()).source);
  const manifest = {
    include: [join(ROOT, 'manifest.json')],
    // One static block for the XS heap (chunks and slots): the bench pools, the parity pools (up to
    // 128 KiB) and what `new ArrayBuffer` keeps live fit, with room for the collector.
    creation: { static: 1 << 20, chunk: { initial: 8192 }, heap: { initial: 512 }, stack: 512 },
    modules: {
      '*': ['./main', './traces', './harness', './thing'],
      ...bundles.modules,
    },
    preload: bundles.preload,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, '\t')}\n`);
  return { dir, targets, programs };
}
