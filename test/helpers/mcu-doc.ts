/**
 * The Cortex-M3 figures of docs/device.md and the README, from what `npm run test:mcu` left in
 * dist/mcu/mcu.json (test/mcu/device.spec.ts): parity and RAM per target, where the static pool sits,
 * and instructions per call next to @thi.ng/malloc's and `new ArrayBuffer`'s. device-doc.ts writes them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MCU_REPORT = join('dist', 'mcu', 'mcu.json');

interface Stats { count: number; mean: number; median: number }
interface Calls { allocate: Stats; free: Stats; reallocate: Stats; clock: number }
interface Use { slots: number; chunks: number }
interface Ram { created: Use; calls: Use; afterOps: Use; destroyed: Use }
interface Report {
  sdk: string;
  image: { text: number; data: number; bss: number };
  staticPool: { poolSize: number; chunks: number; slots: number; address: number; section: string; bytes: number };
  targets: Record<string, { offsetsHash: number; poolHash: number; ram: { staticPool: Ram | null; arrayBuffer: Ram; poolSize: number; pooledInChunks: boolean } }>;
  instructions: { bundle: string; traces: Record<string, { operations: number; pool: number } & Record<string, Calls | number>> };
}

const grouped = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const HARNESS = 'harness';
const CONTENDERS = ['mcalloc esp32', '@thi.ng/malloc', 'new ArrayBuffer'];

export function readMcuReport(): Report | null {
  return existsSync(MCU_REPORT) ? (JSON.parse(readFileSync(MCU_REPORT, 'utf8')) as Report) : null;
}

/**
 * A call's instructions, the harness's own call (the adapter and the loop) subtracted; a call that does
 * no more than the harness's (`new ArrayBuffer`'s free drops a reference) is 0, not the clock's noise.
 */
function own(trace: Record<string, Calls | number>, contender: string, call: 'allocate' | 'free'): { mean: number; median: number } {
  const c = trace[contender] as Calls;
  const h = trace[HARNESS] as Calls;
  return { mean: Math.max(0, c[call].mean - h[call].mean), median: Math.max(0, c[call].median - h[call].median) };
}

const cell = (v: { mean: number; median: number }) => `${grouped(v.mean)} (${grouped(v.median)})`;

/** docs/device.md's section: the instruction table, then parity and RAM per target. */
export function mcuSection(r: Report): string {
  const traces = Object.entries(r.instructions.traces);
  const harness = traces[0][1][HARNESS] as Calls;
  const rows = traces.flatMap(([name, t]) =>
    CONTENDERS.map((c) => `| ${c === CONTENDERS[0] ? `${name} (${grouped(t.operations)} calls)` : ''} | ${c} | ${cell(own(t, c, 'allocate'))} | ${cell(own(t, c, 'free'))} |`));
  const ram = Object.entries(r.targets).map(([name, t]) => {
    const use = (x: Ram | null, pool: number) => (x === null ? 'refused (atomics)' : `${x.created.slots} slots + ${grouped(x.created.chunks - pool)} B`);
    const a = t.ram.arrayBuffer;
    return `| \`${name}\` | ${t.offsetsHash.toString(16)} / ${t.poolHash.toString(16)} | ${use(t.ram.staticPool, 0)} | ${use(a, t.ram.pooledInChunks ? t.ram.poolSize : 0)} | ${a.calls.slots} slots + ${grouped(a.calls.chunks)} B | ${a.destroyed.slots} slots + ${grouped(a.destroyed.chunks)} B |`;
  });
  return [
    `Moddable SDK ${r.sdk}, its Zephyr port of XS on QEMU's \`mps2-an385\` (Cortex-M3; 16-byte slots, 4-byte pointers), image ${grouped(r.image.text)} B of text (every target's bundle preloaded), ${grouped(r.image.data)} B of data, ${grouped(r.image.bss)} B of .bss. Instructions per call under \`-icount shift=0\`, mean (median), the harness's own call subtracted (allocate ${grouped(harness.allocate.mean)}, free ${grouped(harness.free.mean)} instructions: the adapter and the clock); each contender in a pool of four times the trace's peak. \`new ArrayBuffer\` allocates in the XS heap and its free only drops a reference: the collections that reclaim the memory are counted in the allocations that trigger them:`,
    '',
    '| trace | contender | allocate | free |',
    '| --- | --- | ---: | ---: |',
    ...rows,
    '',
    `The static pool: \`gPool\` of mcalloc_pool.c, ${grouped(r.staticPool.bytes)} bytes of ${r.staticPool.section} at 0x${r.staticPool.address.toString(16)} (the linker map); \`initAllocator()\` on it grew the XS chunk heap by ${grouped(r.staticPool.chunks)} bytes. Every target's bundle, preloaded, gives Node's offsets and pool hashes (parity workload) and every error code as an \`AllocatorError\`; one allocator's own RAM beside its pool:`,
    '',
    '| target | offsets / pool hash | static pool: at creation | reserved pool: at creation | made by 10,000 calls | after destroy |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...ram,
  ].join('\n');
}

/** The README's lines. */
export function mcuSummary(r: Report): string {
  const device = r.instructions.traces[r.instructions.bundle] ?? Object.values(r.instructions.traces)[0];
  const target = r.targets[r.instructions.bundle];
  const ram = target.ram.staticPool;
  const calls = CONTENDERS.map((c) => `${c} ${grouped(own(device, c, 'allocate').mean)} / ${grouped(own(device, c, 'free').mean)}`);
  return [
    `- on an emulated Cortex-M3 (QEMU, SDK ${r.sdk}'s Zephyr port of XS, 16-byte slots): every target's parity and error codes as in Node; the \`${r.instructions.bundle}\` allocator's own RAM ${ram === null ? '' : `${ram.created.slots} slots (${grouped(ram.created.slots * 16)} B) and ${grouped(ram.created.chunks)} chunk bytes beside `}its static pool of ${grouped(r.staticPool.bytes)} B in .bss;`,
    `- instructions per allocate / free there (the \`${r.instructions.bundle}\` device trace, mean): ${calls.join('; ')}.`,
  ].join('\n');
}
