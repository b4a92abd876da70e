/** bench/results.md and the benchmark section of docs/benchmarks.md: every figure of the run as tables, with the machine it ran on. */
import { HARNESS, NATIVE, STRATEGIES, THING, THING_NO_COMPACT } from './contenders.js';
import { bestStrategy, checkGoals, utilizationOf } from './goals.js';
import type { Results } from './results.js';
import { geomean, type Summary } from './stats.js';

/** Contenders with a pool, in column order (thi.ng nc is left out of --quick runs). */
const pooled = (r: Results) => r.contenders.filter((c) => c !== NATIVE);

function si(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e8 ? 0 : 2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(x >= 1e5 ? 0 : 1)} k`;
  return x.toFixed(x >= 100 ? 0 : 1);
}

const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const kib = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
const pct = (x: number) => `±${(x * 100).toFixed(0)}%`;

function cell(v: Summary | 'failed' | undefined, fmt: (x: number) => string): string {
  if (v === undefined) return '';
  if (v === 'failed') return 'out of memory';
  return `${fmt(v.median)} ${pct(v.spread)}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function traces(r: Results): string {
  return table(
    ['trace', 'operations', 'peak live', 'most live blocks', 'largest request', 'timing pool', 'source'],
    r.programs.map((p) => [p.name, int(p.operations), `${int(p.peakLiveBytes)} B`, int(p.peakLiveBlocks), `${int(p.maxSize)} B`, kib(r.timingPools.get(p.name)!), p.source]),
  );
}

function throughput(r: Results): string {
  const names = [...r.contenders, HARNESS];
  const rows = r.programs.map((p) => [p.name, ...names.map((n) => cell(r.throughput.get(p.name)?.get(n), si))]);
  const g = names.map((n) => {
    const m = r.programs.map((p) => r.throughput.get(p.name)?.get(n));
    return m.every((v) => v && v !== 'failed') ? si(geomean(m.map((v) => (v as Summary).median))) : 'n/a';
  });
  return table(['ops/s (median ±spread)', ...names], [...rows, ['**geometric mean**', ...g]]);
}

function utilization(r: Results): string {
  const rows = r.programs.map((p) => {
    const native = r.nativeMemory.get(p.name);
    return [
      p.name,
      ...pooled(r).map((n) => {
        const u = utilizationOf(r, p.name, n);
        return u === null ? 'none up to 64 MiB' : `${u.toFixed(3)} (${kib(r.minimalPools.get(p.name)!.get(n)!)})`;
      }),
      p.ceiling.toFixed(3),
      native ? `${kib(native.median)} ${pct(native.spread)} (live/process ${(p.peakLiveBytes / native.median).toFixed(2)})` : '',
    ];
  });
  const g = pooled(r).map((n) => {
    const v = geomean(r.programs.map((p) => utilizationOf(r, p.name, n) ?? 0));
    return Number.isNaN(v) ? 'n/a' : `**${v.toFixed(3)}**`;
  });
  const ceiling = `**${geomean(r.programs.map((p) => p.ceiling)).toFixed(3)}**`;
  return table(
    ['utilization (smallest pool)', ...pooled(r), 'ceiling: headers only', `${NATIVE}: process memory growth at peak`],
    [...rows, ['**geometric mean**', ...g, ceiling, '']],
  );
}

function xsPerOp(r: Results): string {
  const names = [...pooled(r), NATIVE];
  const rows = r.programs.map((p) => [
    p.name,
    ...names.map((n) => {
      const v = r.xs.perOp.get(p.name)?.get(n);
      return v == null ? 'out of memory' : int(v);
    }),
    int(r.xs.harness.perOp.get(p.name)!),
  ]);
  return table(['XS compute per operation', ...names, 'harness (subtracted)'], rows);
}

function scalingTable(r: Results, unit: string, get: (key: string, name: string) => string): string {
  const names = [...STRATEGIES, THING];
  const rows: string[][] = [];
  for (const workload of Object.keys(r.settings.pairSets)) {
    for (const n of r.settings.scalingSizes) rows.push([`${workload}, ${int(n)} free blocks`, ...names.map((c) => get(`${workload}:${n}`, c))]);
  }
  return table([unit, ...names], rows);
}

function bundles(r: Results): string {
  const rows = Object.entries(r.bundles.targets).map(([name, t]) => [`${name} (mcalloc)`, t.strategy, t.lock, t.debug ? 'debug' : 'release', int(t.raw), int(t.gzip)]);
  rows.push([`@thi.ng/malloc ${r.machine.thing} MemPool`, 'first fit', 'none', 'release', int(r.bundles.thing.raw), int(r.bundles.thing.gzip)]);
  return table(['bundle (ES2018, terser)', 'strategy', 'lock', 'build', 'bytes', 'gzip -9'], rows);
}

/** The goals as a markdown table; `plain` (for the terminal) leaves out the emphasis. */
export function goalsTable(r: Results, plain = false): string {
  const met = (m: boolean | null) => (m === null ? 'not checked' : m ? 'met' : plain ? 'NOT MET' : '**not met**');
  return table(['goal', 'measured', 'met'], checkGoals(r).map((g) => [g.goal, g.figures, met(g.met)]));
}

function machine(r: Results): string {
  const m = r.machine;
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(0)} GiB; ${m.os}; Node ${m.node}; XS from @agoric/xsnap ${m.xsnap}; ` +
    `@thi.ng/malloc ${m.thing}; ${m.date}; ${r.quick ? '**--quick run**' : 'full run'} in ${r.seconds.toFixed(0)} s`
  );
}

/** The lock of each ESP32 bundle the XS column measures, as built. */
function xsLocks(r: Results): string {
  return STRATEGIES.map((s) => {
    const name = s === 'tlsf' ? 'esp32' : `esp32-${s}`;
    return `${name} ${r.bundles.targets[name]?.lock ?? 'unknown'}`;
  }).join(', ');
}

function method(r: Results): string {
  const s = r.settings;
  return [
    `- Contenders: the five mcalloc strategies (Node: \`createAllocator({ poolSize, strategy, lock: 'none' })\` from dist/node; XS: the ESP32 device bundles as built, each with the lock its target ships: ${xsLocks(r)});`,
    `  ${THING} = @thi.ng/malloc MemPool \`{ align: 8, compact: true, split: true }\` (its defaults: \`compact\` merges adjacent free blocks, as mcalloc always does);`,
    `  ${THING_NO_COMPACT} = the same with \`compact: false\`; native = \`new Uint8Array(n)\` in Node, \`new ArrayBuffer(n)\` in XS. Goals are held against the stronger thi.ng configuration on each figure${r.quick ? ' (--quick runs leave thi.ng nc out)' : ''}.`,
    `- MemPool 6.1.x leaks the old block when realloc() has to move it (it calls free() with the block address); the harness uses its realloc() whenever it resizes in place and malloc+copy+free otherwise.`,
    `- Throughput: each contender in its own Node process; ${s.rounds} rounds, each visiting every trace and, within it, every contender in a new random order; a sample replays the trace for about ${s.sampleMs} ms after ${s.warmMs} ms of warm-up. Median and spread (± half the interquartile range, relative to the median). Pool resets between replays are not timed. The \`${HARNESS}\` column is the replay loop with a no-op allocator.`,
    `- Utilization: peak live requested bytes / the smallest pool (8-byte steps, binary search, verified) in which the contender completes the trace; the pool includes every header. The ceiling is what an allocator with 8-byte block headers and 8-byte rounding (mcalloc's and thi.ng's block format) would reach with no fragmentation and no pool header. Native: growth of V8 heap + external memory at the trace's peak after a forced GC (median of ${s.nativeReps}), labelled as process memory.`,
    `- XS: meterUsage.compute of one replay of each trace in xsnap, minus the same replay with the no-op adapter, divided by the operations. Deterministic: one run.`,
    `- Goals: held on the bench's own traces (a trace file named on the command line is measured, not held to them). Utilization is compared with ${r.previous ? r.previous.source : 'the baseline run of bench/baseline.json (none was found)'}, trace by trace where the trace is unchanged (same operations and peak live bytes).`,
    `- Scaling: the pool holds N free blocks (holes of ${s.holeRange[0]}-${s.holeRange[1]} B, each followed by a used 8-byte block, freed from the top down) and free space at the end; a pair is allocate then free. \`fit\`: request sizes from the holes' range; \`miss\`: larger than every hole, so a list must be walked to the end. Node: ns per pair (median ±spread); XS: compute per pair over ${s.xsPairs} pairs, the no-op harness subtracted.`,
  ].join('\n');
}

function body(r: Results, chart: string): string {
  const best = bestStrategy(r);
  return [
    `Machine: ${machine(r)}.`,
    '',
    `![benchmark chart](${chart})`,
    '',
    '### Goals',
    goalsTable(r),
    '',
    '### Traces',
    traces(r),
    '',
    '### Throughput in Node (operations per second)',
    throughput(r),
    '',
    `### Memory efficiency (utilization; best strategy by geometric mean: ${best.name})`,
    utilization(r),
    '',
    '### XS compute meter per operation',
    xsPerOp(r),
    '',
    '### Scaling: Node, ns per allocate+free pair (median ±spread)',
    scalingTable(r, 'ns per pair', (key, name) => cell(r.scaling.get(key)?.get(name), (x) => x.toFixed(x >= 100 ? 0 : 1))),
    '',
    '### Scaling: XS compute per allocate+free pair',
    scalingTable(r, 'compute per pair', (key, name) => {
      const v = r.xs.perPair.get(key)?.get(name);
      return v === undefined ? 'not run' : v === null ? 'out of memory' : int(v);
    }),
    '',
    '### Bundle sizes',
    bundles(r),
    '',
    '### Method',
    method(r),
    '',
  ].join('\n');
}

export function renderResults(r: Results): string {
  return [`# mcalloc benchmark results`, '', `Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\`; do not edit.`, '', body(r, 'results.svg')].join('\n');
}

/** The benchmark section of docs/benchmarks.md (between its generated markers): how to run, then the same tables. */
export function renderDocs(r: Results): string {
  return [
    '## Benchmarks',
    '',
    '```sh',
    'npm run bench              # full run (a few minutes, builds if needed): prints the goals, writes its tables to a temporary directory',
    'npm run bench -- --write   # the same, recorded here: bench/results.md, bench/results.svg and this section',
    'npm run bench -- --quick   # fewer, shorter samples; temporary directory only',
    'npm run bench -- my.rep    # also replay trace files (a ID SIZE / f ID / r ID SIZE; malloc-lab .rep headers skipped); temporary directory only',
    'npm run bench -- --help    # usage; runs nothing',
    '```',
    '',
    'Every mcalloc strategy against @thi.ng/malloc and native allocation (`new Uint8Array` in Node, `new ArrayBuffer` in XS), measured side by side in one run.',
    '',
    body(r, '../bench/results.svg'),
  ].join('\n');
}
