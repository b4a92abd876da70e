/**
 * Compares a modified copy of src/ with src/ on the benchmark's traces, for allocator proposals:
 *   node --import tsx bench/compare-src.ts --src DIR [--target esp32] [--strategy tlsf]
 * XS compute per operation (the target's bundle built from each tree, the harness subtracted),
 * utilization (smallest completing pool, Node) and Node throughput (both trees in this one process,
 * interleaved, median of 7 samples: a rough guide; `npm run bench` is the measurement), side by side.
 * The copy needs a package.json with "type": "module" beside its src/ (tsx would load it as CommonJS).
 * Not part of `npm run bench`.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeXSHost } from '../test/helpers/xs.js';
import type { CreateAllocator, Strategy } from './contenders.js';
import { bundleSources } from './src-bundle.js';
import { allTraces } from './traces.js';
import { makeAdapter } from './contenders.js';
import { replay } from './harness.mjs';
import type { Program } from './program.js';
import { summarize } from './stats.js';
import { minimalPool } from './utilization.js';
import { xsCompute } from './xs-compute.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);
const argv = process.argv.slice(2);
const opt = (name: string, fallback?: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const candidate = opt('--src');
if (candidate === undefined) throw new Error('usage: compare-src.ts --src DIR [--target esp32] [--strategy tlsf]');
const target = opt('--target', 'esp32')!;
const strategy = opt('--strategy', 'tlsf') as Strategy;
const trees = { src: `${ROOT}src/`, candidate: `${resolve(candidate)}/` };

const creators = await Promise.all(
  Object.values(trees).map(async (dir) => ((await import(pathToFileURL(`${dir}index.ts`).href)) as { createAllocator: CreateAllocator }).createAllocator),
);
const programs = allTraces(creators[0] as never, []);
const bundles = await Promise.all(Object.values(trees).map((dir) => bundleSources(dir, target, [`export { createAllocator } from './index.js';`])));
const xs = await xsCompute(
  {
    contenders: Object.keys(trees).map((name, i) => ({ name, bundle: { source: bundles[i], global: 'mcalloc' }, adapter: 'bench.mcallocAdapter(mcalloc.createAllocator({ poolSize: pool }))' })),
    programs,
    poolOf: (p) => Math.ceil((8 * p.peakLiveBytes + 65536) / 4096) * 4096,
    scalingSizes: [],
    scalingContenders: [],
    scalingLimit: {},
    scalingPool: () => 0,
    holeSizes: [],
    pairSets: {},
    pairs: 0,
  },
  () => {},
);
closeXSHost();

/** Median ops/s of each tree on `p`: 7 rounds of about 100 ms each, the trees alternating. */
function throughput(p: Program): number[] {
  const pool = Math.ceil((8 * p.peakLiveBytes + 65536) / 4096) * 4096;
  const adapters = creators.map((create) => makeAdapter({ kind: 'mcalloc', strategy }, pool, create)!);
  const samples: number[][] = adapters.map(() => []);
  for (let round = 0; round < 8; round++) {
    adapters.forEach((A, i) => {
      let ops = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 100) {
        A.reset();
        replay(A, p.code, new Array(p.slots).fill(0));
        ops += p.operations;
      }
      if (round > 0) samples[i].push(ops / ((performance.now() - t0) / 1000)); // round 0 warms up
    });
  }
  return samples.map((v) => summarize(v).median);
}

console.log(`target ${target}, strategy ${strategy}: src/ vs ${trees.candidate}`);
console.log(['trace'.padEnd(16), 'XS/op src', 'XS/op cand', 'util src', 'util cand', 'Mops/s src', 'Mops/s cand'].join('  '));
for (const p of programs) {
  const row = xs.perOp.get(p.name)!;
  const util = creators.map((create) => {
    const pool = minimalPool({ kind: 'mcalloc', strategy }, p, create);
    return pool === null ? 'none' : (p.peakLiveBytes / pool).toFixed(3);
  });
  const f = (v: number | null | undefined) => (v == null ? 'fail' : v.toFixed(0));
  const [a, b] = throughput(p).map((x) => (x / 1e6).toFixed(2));
  console.log([p.name.padEnd(16), f(row.get('src')).padStart(9), f(row.get('candidate')).padStart(10), util[0].padStart(8), util[1].padStart(9), a.padStart(10), b.padStart(11)].join('  '));
}
