/**
 * One benchmark run: every contender on every trace, in Node (throughput, utilization, native memory,
 * scaling) and in XS (compute meter), with the machine it ran on. Writes nothing but its own temporary
 * copies; bench/run.ts decides what the figures are written to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { closeXSHost } from './xs.js';
import { CONTENDERS, HARNESS, NATIVE, STRATEGIES, THING, THING_NO_COMPACT, type CreateAllocator } from './contenders.js';
import { snapshot } from './dist.js';
import { nodeTimings } from './node-timing.js';
import type { Previous } from './previous.js';
import type { Results } from './results.js';
import { int, rng } from './rng.js';
import { summarize } from './stats.js';
import { allTraces, type UserTrace } from './traces.js';
import { bundleThing } from './thing-bundle.js';
import { XS_NATIVE, xsCompute, type XSContender } from './xs-compute.js';

export interface RunOptions {
  quick: boolean;
  user: UserTrace[];
  /** The committed figures the goals compare with (read before anything is written). */
  previous: Previous | null;
}

const SCALING_SIZES = [10, 100, 1000, 10000];
const HOLE_MIN = 16;
const HOLE_MAX = 256;

/** Run from the package root. */
export async function measure(o: RunOptions, log: (s: string) => void): Promise<Results> {
  const started = Date.now();
  const quick = o.quick;
  const settings = quick
    ? { rounds: 3, sampleMs: 10, warmMs: 25, nativeReps: 3, xsPairs: 256 }
    : { rounds: 9, sampleMs: 60, warmMs: 250, nativeReps: 7, xsPairs: 1024 };
  /**
   * --quick leaves out thi.ng's non-default configuration (the slowest contender everywhere), and in XS
   * the 10,000-hole scaling of the O(n) list strategies (TLSF's is kept: it is a goal).
   */
  const contenders = quick ? CONTENDERS.filter((c) => c.name !== THING_NO_COMPACT) : CONTENDERS;
  const xsListLimit = quick ? 1000 : Infinity;

  const snap = await snapshot(log);
  const { createAllocator } = (await import(pathToFileURL(snap.library).href)) as { createAllocator: CreateAllocator & ((o: object) => never) };

  log('traces');
  const programs = allTraces(createAllocator, o.user);

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
  return {
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
    previous: o.previous,
  };
}
