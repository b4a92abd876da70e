/**
 * Regenerates the device tables of docs/device.md from the build, so that no figure there is typed by hand:
 * the targets (targets/*.json), bundle sizes (dist/targets/sizes.json) and the XS compute meter of the
 * parity workload (test/helpers/workload.ts, the same script and seed as test/xs-parity.test.ts), and,
 * when `npm run test:moddable` ran with an SDK and left dist/moddable/sdk.json, the xsc bytecode sizes
 * and the times per call measured in SDK-built XS (otherwise that table is left as it is), and when
 * `npm run test:mcu` left dist/mcu/mcu.json, the Cortex-M3 section (mcu-doc.ts).
 *
 *   npm run device-doc        (builds first; rewrites the text between the generated markers)
 *
 * A script, not a test: sizes and compute change with every change to src/, and a test that pinned them
 * would fail for the wrong reason.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTargets } from '../../build/targets.mjs';
import { mcuSection, mcuSummary, readMcuReport } from './mcu-doc.js';
import { closeXSHost, runInXS } from '../../bench/xs.js';
import { targetTable } from './target-table.js';
import { PARITY, workloadScript, type WorkloadResult } from './workload.js';

const DOC = 'docs/device.md';

interface Size { raw: number; gzip: number }

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function replaceSection(text: string, name: string, body: string): string {
  const begin = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${DOC}: markers ${begin} ... ${end} not found`);
  return `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
}

const SDK_REPORT = join('dist', 'moddable', 'sdk.json');
const README = 'README.md';

interface Spans { median: number; p99: number }
interface Use { slots: number; chunks: number }
interface Ram { created: Use; calls: Use; afterOps: Use; destroyed: Use }
interface SdkTarget {
  js: number; xsb: number; timing: { call: Record<'allocate' | 'free', Spans>; masked: null | Record<'allocate' | 'free', Spans> };
  /** pooledInChunks: the reserved pool is an ArrayBuffer in the chunk heap (a SharedArrayBuffer, for the atomics lock, is not). */
  ram?: { staticPool: Ram | null; arrayBuffer: Ram; poolSize: number; pooledInChunks?: boolean };
}

/**
 * The allocator's own RAM per target, from test:moddable: slots and chunk bytes beside the pool at
 * creation, made by 10,000 calls with no collection in between, and left after destroy().
 */
function ramTable(names: string[]): string | null {
  if (!existsSync(SDK_REPORT)) return null;
  const report = JSON.parse(readFileSync(SDK_REPORT, 'utf8')) as { sdk: string; targets: Record<string, SdkTarget>; staticPool?: { poolSize: number; chunks: number } };
  const cell = (r: Ram | null, pool: number) => (r === null
    ? 'refused (atomics) | — | —'
    : `${r.created.slots} slots + ${grouped(r.created.chunks - pool)} B | ${r.calls.slots} slots + ${grouped(r.calls.chunks)} B | ${r.destroyed.slots} slots + ${grouped(r.destroyed.chunks)} B`);
  const rows = names.map((name) => {
    const ram = report.targets[name]?.ram;
    if (ram === undefined) throw new Error(`${SDK_REPORT} has no RAM figures for ${name}: run npm run test:moddable again`);
    return `| \`${name}\` | ${cell(ram.staticPool, 0)} | ${cell(ram.arrayBuffer, ram.pooledInChunks === false ? 0 : ram.poolSize)} |`;
  });
  return [
    `Moddable SDK ${report.sdk}, the x-cli-lin app of \`npm run test:moddable\` (slots are 16 bytes on a 32-bit MCU, 32 on this 64-bit host). One allocator per target, beside its pool (the static pool, or the pool \`createAllocator({ poolSize })\` reserves: an ArrayBuffer in the chunk heap, a SharedArrayBuffer outside it for the \`atomics\` lock): after \`createAllocator()\` and a full collection; what 10,000 mixed allocate/reallocate/free calls made with no collection in between; what is left after \`destroy()\`.`,
    '',
    '| target | static pool: at creation | made by the calls | after destroy | reserved pool: at creation | made by the calls | after destroy |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    report.staticPool === undefined ? '' : `\`initAllocator()\` with the static pool of ${grouped(report.staticPool.poolSize)} bytes grew the XS chunk heap by ${grouped(report.staticPool.chunks)} bytes.`,
  ].join('\n');
}

/** The table of what test:moddable measured, or null when it has not run here. */
function sdkTable(names: string[]): string | null {
  if (!existsSync(SDK_REPORT)) return null;
  const report = JSON.parse(readFileSync(SDK_REPORT, 'utf8')) as { sdk: string; targets: Record<string, SdkTarget>; xslWarnings?: string[] };
  const us = (ns: number) => (ns / 1000).toFixed(2);
  const pair = (s: Record<'allocate' | 'free', Spans>) => `${us(s.allocate.median)} / ${us(s.allocate.p99)} | ${us(s.free.median)} / ${us(s.free.p99)}`;
  const rows = names.map((name) => {
    const t = report.targets[name];
    if (t === undefined || t.timing === undefined) throw new Error(`${SDK_REPORT} has no ${name}: run npm run test:moddable again`);
    return `| \`${name}\` | ${grouped(t.js)} | ${grouped(t.xsb)} | ${(t.xsb / t.js).toFixed(2)} | ${pair(t.timing.call)} | ${t.timing.masked === null ? '— | —' : pair(t.timing.masked)} |`;
  });
  const warnings = report.xslWarnings ?? [];
  return [
    `Moddable SDK ${report.sdk}, Linux host tools; the x-cli-lin app of \`npm run test:moddable\`, release build (-O3).`,
    '',
    '| target | .js bytes | xsc bytes | xsc ÷ .js | call µs: allocate median / p99 | free median / p99 | masked µs: allocate median / p99 | free median / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `xsl warnings when every bundle is preloaded: ${warnings.length === 0 ? 'none' : warnings.map((w) => `\`${w.replace(/^### warning: /, '')}\``).join(', ')}.`,
  ].join('\n');
}

/** README's few lines: the esp32 bundle's xsc size, and the call and masked times of the interrupt lock's bundle. */
function sdkSummary(): string {
  const report = JSON.parse(readFileSync(SDK_REPORT, 'utf8')) as { sdk: string; targets: Record<string, SdkTarget> };
  const esp32 = report.targets.esp32;
  const masking = Object.entries(report.targets).find(([, t]) => t.timing.masked !== null);
  const us = (ns: number) => (ns / 1000).toFixed(1);
  const lines = [
    `- SDK ${report.sdk}: xsc bytecode of the \`esp32\` bundle ${grouped(esp32.xsb)} bytes for ${grouped(esp32.js)} bytes of minified .js (${(esp32.xsb / esp32.js).toFixed(2)}×; every target in docs/device.md);`,
    `- one call on the desktop's SDK-built XS: allocate ${us(esp32.timing.call.allocate.median)} µs, free ${us(esp32.timing.call.free.median)} µs (\`esp32\`, median);`,
  ];
  const ram = esp32.ram?.staticPool;
  if (ram) lines.push(`- the allocator's own RAM beside its static pool (\`esp32\`): ${ram.created.slots} slots and ${grouped(ram.created.chunks)} chunk bytes; ${ram.calls.slots} slots and ${grouped(ram.calls.chunks)} bytes made by 10,000 calls;`);
  if (masking !== undefined) {
    const [name, t] = masking;
    lines.push(`- interrupts masked per call with the \`interrupt\` lock (\`${name}\`): allocate ${us(t.timing.masked!.allocate.median)} µs, free ${us(t.timing.masked!.free.median)} µs (median; p99 ${us(t.timing.masked!.allocate.p99)} and ${us(t.timing.masked!.free.p99)} µs).`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const targets = loadTargets('targets');
  const sizes = JSON.parse(readFileSync(join('dist', 'targets', 'sizes.json'), 'utf8')) as Record<string, Size>;
  const computes = await Promise.all(targets.map(async (t) => {
    const script = workloadScript({ ...PARITY, poolSize: t.poolSize, strategy: t.strategy, lock: t.lock, debug: t.debug });
    const run = await runInXS<WorkloadResult>(readFileSync(join('dist', 'targets', t.name, 'mcalloc.js'), 'utf8'), script);
    return { compute: run.compute, load: run.loadCompute, failed: run.result.failed };
  }));
  closeXSHost();

  const sizeRows = targets.map((t, i) => {
    const s = sizes[t.name];
    if (!s) throw new Error(`dist/targets/sizes.json has no ${t.name}: run npm run build`);
    const c = computes[i];
    return `| \`${t.name}\` | ${grouped(s.raw)} | ${grouped(s.gzip)} | ${grouped(c.load)} | ${grouped(c.compute)} | ${grouped(Math.round(c.compute / PARITY.operations))} | ${grouped(c.failed)} |`;
  });

  let text = readFileSync(DOC, 'utf8');
  text = replaceSection(text, 'targets', targetTable());
  text = replaceSection(text, 'sizes', [
    `| target | bytes (minified) | gzip -9 | XS compute: load | XS compute: workload | workload ÷ ${grouped(PARITY.operations)} calls | calls that returned 0 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...sizeRows,
  ].join('\n'));
  const sdk = sdkTable(targets.map((t) => t.name));
  if (sdk !== null) text = replaceSection(text, 'sdk', sdk);
  const ram = ramTable(targets.map((t) => t.name));
  if (ram !== null) text = replaceSection(text, 'ram', ram);
  const mcu = readMcuReport();
  if (mcu !== null) text = replaceSection(text, 'mcu', mcuSection(mcu));
  writeFileSync(DOC, text);
  let readme = readFileSync(README, 'utf8');
  if (sdk !== null) readme = replaceSection(readme, 'sdk-summary', sdkSummary());
  if (mcu !== null) readme = replaceSection(readme, 'mcu-summary', mcuSummary(mcu));
  writeFileSync(README, readme);
  console.log(`${DOC}: ${targets.length} targets${sdk === null ? `; the SDK table kept (no ${SDK_REPORT}: run npm run test:moddable with MODDABLE set)` : ', the SDK table from test:moddable'}${mcu === null ? '; the MCU section kept (no dist/mcu/mcu.json: run npm run test:mcu)' : ', the MCU section from test:mcu'}`);
}

await main();
