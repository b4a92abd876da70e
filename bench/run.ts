/**
 * npm run bench [-- --quick] [TRACE_FILE ...]
 *
 * Measures every mcalloc strategy against @thi.ng/malloc and native allocation on seeded synthetic
 * traces, traces recorded by the simulator and any trace files given (`a ID SIZE` / `f ID` / `r ID SIZE`,
 * .rep headers skipped), and writes bench/results.md, bench/results.svg and the benchmark section of docs/benchmarks.md.
 * --quick: fewer and shorter samples, without thi.ng's non-default configuration; written to the temp
 * directory (printed), so that it never replaces the committed results of a full run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { closeXSHost } from '../test/helpers/xs.js';
import { CONTENDERS, HARNESS, NATIVE, STRATEGIES, THING, THING_NO_COMPACT, type CreateAllocator } from './contenders.js';
import { snapshot } from './dist.js';
import { nodeTimings } from './node-timing.js';
import { renderChart } from './chart.js';
import { checkGoals } from './goals.js';
import { renderDocs, renderResults, type Results } from './report.js';
import { int, rng } from './rng.js';
import { summarize } from './stats.js';
import { allTraces } from './traces.js';
import { bundleThing } from './thing-bundle.js';
import { XS_NATIVE, xsCompute, type XSContender } from './xs-compute.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const files = args.filter((a) => !a.startsWith('--'));
const settings = quick
  ? { rounds: 3, sampleMs: 10, warmMs: 25, nativeReps: 3, xsPairs: 256 }
  : { rounds: 9, sampleMs: 60, warmMs: 250, nativeReps: 7, xsPairs: 1024 };
/**
 * --quick leaves out thi.ng's non-default configuration (the slowest contender everywhere), and in XS
 * the 10,000-hole scaling of the O(n) list strategies (TLSF's is kept: it is a goal).
 */
const contenders = quick ? CONTENDERS.filter((c) => c.name !== THING_NO_COMPACT) : CONTENDERS;
const xsListLimit = quick ? 1000 : Infinity;
const SCALING_SIZES = [10, 100, 1000, 10000];
const HOLE_MIN = 16;
const HOLE_MAX = 256;

const started = Date.now();
const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

const snap = await snapshot(log);
const { createAllocator } = (await import(pathToFileURL(snap.library).href)) as { createAllocator: CreateAllocator & ((o: object) => never) };

log('traces');
const programs = allTraces(createAllocator, files);

const hr = rng(5);
const holeSizes = Array.from({ length: 97 }, () => int(hr, HOLE_MIN, HOLE_MAX));
const pairSets = {
  fit: Array.from({ length: 64 }, () => int(hr, HOLE_MIN, HOLE_MAX)),
  miss: Array.from({ length: 64 }, () => int(hr, HOLE_MAX + 64, HOLE_MAX + 512)),
};
/** Each hole and separator as a block, plus room at the end for the largest pair. */
const scalingPool = (n: number) => n * (HOLE_MAX + 8 + 16 + 8) + 65536;
const scalingContenders = [...STRATEGIES, THING, HARNESS];

log('Node: utilization, throughput, scaling');
const node = await nodeTimings(
  {
    contenders: [...contenders, { name: HARNESS, spec: { kind: 'harness' }, pooled: false }],
    library: snap.library,
    programs: programs.map((p) => ({ name: p.name, code: Array.from(p.code), slots: p.slots, peakLiveBytes: p.peakLiveBytes, poolSize: 0 })),
    scalingSizes: SCALING_SIZES,
    scalingContenders,
    scalingPool,
    minTimingPool: 65536,
    holeSizes,
    pairSets,
    rounds: settings.rounds,
    sampleMs: settings.sampleMs,
    warmMs: settings.warmMs,
  },
  log,
);

log('Node: native process memory');
const nativeMemory = (() => {
  const dir = mkdtempSync(join(os.tmpdir(), 'mcalloc-native-'));
  try {
    const file = join(dir, 'jobs.json');
    writeFileSync(file, JSON.stringify(programs.map((p) => ({ name: p.name, code: Array.from(p.code), slots: p.slots, peakAt: p.peakAt, reps: settings.nativeReps }))));
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/native-memory.ts', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`native-memory.ts failed: ${run.stderr}`);
    const raw = JSON.parse(run.stdout) as Record<string, number[]>;
    return new Map(Object.entries(raw).map(([name, v]) => [name, summarize(v)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

log('thi.ng bundle (rollup, ES2018, terser)');
const thing = await bundleThing();

log('XS: compute meter per operation and per pair');
const bundleOf = (s: string) => readFileSync(snap.bundles.get(s === 'tlsf' ? 'esp32' : `esp32-${s}`)!, 'utf8');
const xsContenders: XSContender[] = [
  ...STRATEGIES.map((s) => ({ name: s, bundle: { source: bundleOf(s), global: 'mcalloc' }, adapter: 'bench.mcallocAdapter(mcalloc.createAllocator({ poolSize: pool }))' })),
  { name: THING, bundle: { source: thing.source, global: 'thing' }, adapter: 'bench.thingAdapter(thing.MemPool, pool, true)' },
  { name: THING_NO_COMPACT, bundle: { source: thing.source, global: 'thing' }, adapter: 'bench.thingAdapter(thing.MemPool, pool, false)' },
  { name: NATIVE, adapter: XS_NATIVE },
].filter((c) => contenders.some((x) => x.name === c.name));
const xs = await xsCompute({
  contenders: xsContenders,
  programs,
  poolOf: (p) => node.timingPools.get(p.name)!,
  scalingSizes: SCALING_SIZES,
  scalingContenders,
  // MemPool's free() walks the list of used blocks and compaction the free list: setting up 10,000
  // holes is quadratic, about a minute of XS time; its growth is plain from 10 to 1,000.
  scalingLimit: { [THING]: 1000, ...Object.fromEntries(STRATEGIES.filter((s) => s !== 'tlsf').map((s) => [s, xsListLimit])) },
  scalingPool,
  holeSizes,
  pairSets,
  pairs: settings.xsPairs,
}, log);
closeXSHost();
rmSync(snap.dir, { recursive: true, force: true });

const pkg = (name: string) => (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const results: Results = {
  quick,
  machine: {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
    xsnap: pkg('@agoric/xsnap'),
    thing: pkg('@thi.ng/malloc'),
  },
  settings: { ...settings, scalingSizes: SCALING_SIZES, holeRange: [HOLE_MIN, HOLE_MAX], pairSets },
  programs,
  contenders: contenders.map((c) => c.name),
  ...node,
  nativeMemory,
  xs,
  bundles: { targets: snap.sizes, thing: { raw: thing.raw, gzip: thing.gzip } },
  seconds: (Date.now() - started) / 1000,
};
// A --quick run must not overwrite the committed results of a full run: it writes to the temp dir.
const out = quick ? join(os.tmpdir(), 'mcalloc-bench-quick') : 'bench';
mkdirSync(out, { recursive: true });
const written = [join(out, 'results.md'), join(out, 'results.svg')];
writeFileSync(written[0], renderResults(results));
writeFileSync(written[1], renderChart(results));
if (!quick) {
  // The benchmark page's section is generated too, between its markers, so no figure is typed by hand.
  const page = join('docs', 'benchmarks.md');
  const begin = '<!-- generated:bench -->';
  const end = '<!-- /generated:bench -->';
  const doc = readFileSync(page, 'utf8');
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${page}: markers ${begin} ... ${end} not found`);
  writeFileSync(page, `${doc.slice(0, from + begin.length)}\n${renderDocs(results).trim()}\n${doc.slice(to)}`);
  written.push(page);
}
for (const g of checkGoals(results)) log(`${g.met ? 'met    ' : 'MISSED '} ${g.goal}: ${g.figures}`);
log(`wrote ${written.join(', ')} in ${results.seconds.toFixed(0)} s`);
