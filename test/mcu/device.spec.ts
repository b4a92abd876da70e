/**
 * test:mcu: mcalloc on an emulated microcontroller. The app of app.ts (this package's manifest included
 * as a user app includes it, every target's bundle preloaded) is built with the SDK's tools for the
 * Cortex-M3 board of mcu.ts and run under QEMU, once for the checks and once for the instruction
 * counts. On the MCU, with 16-byte slots and 4-byte pointers:
 *  - every bundle's parity workload gives Node's offsets and pool hash;
 *  - every error code arrives as an AllocatorError with Node's code, name and message;
 *  - one allocator's own RAM (slots, chunk bytes) at creation, made by 10,000 calls, after destroy();
 *  - the static pool is C memory in the image's .bss (the linker map's gPool), not in the XS heap;
 *  - instructions per allocate and per free (QEMU -icount shift=0) for the esp32 bundle, @thi.ng/malloc
 *    and `new ArrayBuffer`, written with the rest to dist/mcu/mcu.json for `npm run device-doc`.
 */
import test from 'ava';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadTargets } from '../../build/targets.mjs';
import { assertParity, assertRam, assertStaticPool, assertSweep, MAX_SLOTS, RAM_OPS, STATIC_POOL, type CheckLine } from '../helpers/device-checks.js';
import { CONTENDERS, MCU_BUNDLE, poolFor, writeMcuApp, type McuApp } from './app.js';
import { buildMcuApp, findMcuTools, imageSize, runMcu, type McuTools } from './mcu.js';

const ROOT = join(import.meta.dirname, '..', '..');
const found = findMcuTools();
if (typeof found === 'string') throw new Error(`test:mcu: ${found} (run it through npm run test:mcu)`);
const tools: McuTools = found;
const targets = loadTargets(join(ROOT, 'targets'), { root: ROOT });

interface Stats { count: number; mean: number; median: number; p99: number; max: number }
interface Timed { clock: number; failedAt: number; allocate: Stats; free: Stats; reallocate: Stats }
/** A line of the app: the checks' lines, the engine's sizes, or a trace's instruction counts (its result a Timed). */
interface Line extends CheckLine {
  slot?: number; pointer?: number; mode?: string;
  trace?: string; contender?: string;
}
interface Run { code: number; output: string; lines: Line[] }

const report: Record<string, unknown> = { sdk: tools.version, targets: {} as Record<string, unknown> };
const perTarget = report.targets as Record<string, Record<string, unknown>>;
let app: McuApp | undefined;
let built: { elf: string; map: string; dir: string } | undefined;
const runs: Record<'checks' | 'instructions', Run | undefined> = { checks: undefined, instructions: undefined };

async function run(mode: 'checks' | 'instructions'): Promise<Run> {
  const r = await runMcu(tools, built!.elf, { args: [mode], timeoutMs: 10 * 60_000 });
  const lines = r.output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  return { code: r.code, output: r.output + r.stderr, lines };
}

test.before(async () => {
  app = await writeMcuApp(targets);
  built = await buildMcuApp(tools, app.dir);
  [runs.checks, runs.instructions] = await Promise.all([run('checks'), run('instructions')]);
});

test.after.always(() => {
  if (app !== undefined) rmSync(dirname(app.dir), { recursive: true, force: true });
  if (built !== undefined) rmSync(built.dir, { recursive: true, force: true });
  const file = join(ROOT, 'dist', 'mcu', 'mcu.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
});

test.serial('the app builds for the Cortex-M3 and both runs end normally, on 16-byte slots and 4-byte pointers', (t) => {
  const size = imageSize(tools, built!.elf);
  report.image = size;
  t.log(`Moddable SDK ${tools.version}; image text ${size.text} B, data ${size.data} B, bss ${size.bss} B`);
  for (const mode of ['checks', 'instructions'] as const) {
    const r = runs[mode]!;
    t.is(r.code, 0, `${mode}: exit code\n${r.output.slice(-3000)}`);
    t.true(r.lines.some((l) => l.kind === 'done'), `${mode}: the run stopped early\n${r.output.slice(-3000)}`);
    const engine = r.lines.find((l) => l.kind === 'engine');
    t.deepEqual({ slot: engine?.slot, pointer: engine?.pointer, mode: engine?.mode }, { slot: 16, pointer: 4, mode });
  }
});

test.serial('the static pool sits in the image\'s .bss at its manifest size (the linker map), not in the XS heap', async (t) => {
  const map = readFileSync(built!.map, 'utf8');
  // A static array of the mcalloc_pool.c object file: its input section, address and size.
  const m = /^ \.bss\.gPool\s+0x([0-9a-f]+)\s+0x([0-9a-f]+) .*mcalloc_pool\.c\.obj/m.exec(map);
  t.truthy(m, 'the map lists .bss.gPool of mcalloc_pool.c');
  if (m === null) return;
  const address = parseInt(m[1], 16);
  const bytes = parseInt(m[2], 16);
  t.is(bytes, STATIC_POOL, 'the size the manifest defines (defines.mcalloc.pool_size)');
  t.true(address >= 0x20000000 && address < 0x20400000 && address % 8 === 0, `0x${address.toString(16)}: the board's data RAM, 8-aligned`);
  report.staticPool = { ...(await assertStaticPool(t, runs.checks!.lines, targets)), address, section: '.bss', bytes };
  t.log(`gPool: ${bytes} bytes of .bss at 0x${address.toString(16)}; initAllocator() grew the XS chunk heap by ${(report.staticPool as { chunks: number }).chunks} bytes`);
});

for (const target of targets) {
  test.serial(`${target.name}: on the MCU, Node's offsets and pool; every error an AllocatorError; <= ${MAX_SLOTS} slots, nothing made by ${RAM_OPS} calls, nothing left`, async (t) => {
    const lines = runs.checks!.lines;
    const node = await assertParity(t, lines, target);
    await assertSweep(t, lines, target);
    const ram = assertRam(t, lines, target);
    perTarget[target.name] = { offsetsHash: node?.offsetsHash, poolHash: node?.poolHash, ram };
  });
}

test.serial('instructions per call on the Cortex-M3: the esp32 bundle, @thi.ng/malloc and new ArrayBuffer replay every trace to the end', (t) => {
  const lines = runs.instructions!.lines.filter((l) => l.kind === 'instructions');
  const table: Record<string, Record<string, unknown>> = {};
  for (const program of app!.programs) {
    table[program.name] = { operations: program.operations, pool: poolFor(program) };
    for (const c of CONTENDERS) {
      const line = lines.find((l) => l.trace === program.name && l.contender === c.name);
      t.is(line?.error, '', `${program.name}, ${c.name}`);
      const r = line?.result as unknown as Timed | undefined;
      if (r === undefined) continue;
      t.is(r.failedAt, -1, `${program.name}, ${c.name}: every request served`);
      t.is(r.allocate.count + r.free.count + r.reallocate.count, program.operations, `${program.name}, ${c.name}: every call timed`);
      t.true(r.clock > 0 && r.allocate.median >= 0, `${program.name}, ${c.name}`);
      table[program.name][c.name] = { allocate: r.allocate, free: r.free, reallocate: r.reallocate, clock: r.clock };
      if (c.name !== 'harness') t.log(`${program.name}: ${c.name} allocate mean ${Math.round(r.allocate.mean)} (median ${r.allocate.median}), free mean ${Math.round(r.free.mean)} (median ${r.free.median}) instructions`);
    }
  }
  report.instructions = { bundle: MCU_BUNDLE, traces: table };
});
