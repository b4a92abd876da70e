/**
 * Every trace of a run, compiled: the seeded synthetic ones, two recorded by the simulator's CLI, the
 * device traces committed under sim/traces, and any files named on the command line.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseTrace, type TraceOp } from '../sim/trace.js';
import { compile, type Program } from './program.js';
import { recordedTraces, type Create } from './recorded.js';
import {
  adversarialFirstFitTrace, binaryTrace, coalescingTrace, embeddedTrace, randomReallocTrace, reallocNeighboursTrace, reallocTrace,
} from './synthetic.js';

/** Operations asked of the simulator per recorded trace. */
const RECORDED_OPS = 20000;

/**
 * The representative device traces the simulator's author recorded (sim/traces/<target>.trace, one per
 * shipped target); sim.trace is left out, being a shorter run of the sim-steady workload recorded above.
 */
function deviceTraces(): Program[] {
  const dir = 'sim/traces';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.trace') && f !== 'sim.trace')
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const note = /^#\s*(.*)$/m.exec(text)?.[1] ?? '';
      return compile(f.replace(/\.trace$/, ''), `${dir}/${f}: ${note}`, parseTrace(text));
    });
}

/** A trace file the user named on the command line, read and checked before the run starts. */
export interface UserTrace {
  file: string;
  ops: TraceOp[];
}

/**
 * Run from the package root. `create` records the fallback trace when the simulator cannot run. The
 * user's traces come last, marked `user` (the goals are held on the bench's own traces only).
 */
export function allTraces(create: Create, user: readonly UserTrace[]): Program[] {
  const own = [
    compile('embedded', 'synthetic (seed 1): 160 long-lived small objects, occasionally replaced, and packet buffers (40-1514 B) queued and released in order', embeddedTrace(4000)),
    compile('random-realloc', 'synthetic (seed 2): log-uniform sizes 8-4096 B, random frees and reallocations (grow and shrink), about 200 live', randomReallocTrace(8000)),
    compile('adversarial-ff', 'synthetic (seed 3): large holes below small holes, then small long-lived objects interleaved with large transient buffers', adversarialFirstFitTrace(8)),
    compile('coalescing', 'synthetic (seed 5), the CS:APP coalescing kind: two blocks of one size (2-4 KiB) allocated and freed in pairs that merge, now and then one of twice the size in the merged space', coalescingTrace(2000)),
    compile('realloc', 'synthetic (seed 6), the CS:APP realloc kind: one buffer grown by reallocate in steps of 16-192 B up to 8-16 KiB, a small block allocated after each step and freed a step later, records kept until the buffer is released', reallocTrace(3000)),
    compile('binary', 'synthetic (seed 7), the CS:APP binary kind: 48 pairs of a small long-lived block (16-64 B) and a large transient one (256-512 B), the large ones freed, then 24 larger requests (512-1024 B), 60 rounds', binaryTrace(60)),
    compile('realloc-neighbours', 'synthetic (seed 8), the CS:APP realloc2 kind: a buffer grown by reallocate in steps of 5-64 B from 2-4 KiB up to 16-24 KiB, a 16-64 B block allocated after each step and freed three steps later', reallocNeighboursTrace(3000)),
    ...recordedTraces(create, RECORDED_OPS, 60000).map((t) => compile(t.name, t.recorded.source, t.recorded.ops)),
    ...deviceTraces(),
  ];
  const names = new Set(own.map((p) => p.name));
  const theirs = user.map((u) => {
    let name = basename(u.file);
    for (let i = 2; names.has(name); i++) name = `${basename(u.file)} (${i})`;
    names.add(name);
    return { ...compile(name, `file ${u.file}`, u.ops), user: true };
  });
  return [...own, ...theirs];
}
