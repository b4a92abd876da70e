/**
 * Native allocation has no pool to size, so its memory figure is the process's own: the growth of V8's
 * heap plus external (ArrayBuffer) memory, after a forced GC, between before the trace and its peak of
 * live bytes. Run as `node --expose-gc --import tsx bench/native-memory.ts FILE` (FILE: JSON programs),
 * printing JSON; the parent (run.ts) takes the median of several repetitions.
 */
import { readFileSync } from 'node:fs';
import { makeAdapter } from './contenders.js';
import { replay } from './harness.mjs';

interface Job {
  name: string;
  code: number[];
  slots: number;
  peakAt: number;
  reps: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('native-memory.ts needs node --expose-gc');

function used(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job[];
const out: Record<string, number[]> = {};
for (const job of jobs) {
  const prefix = Int32Array.from(job.code.slice(0, (job.peakAt + 1) * 3));
  out[job.name] = [];
  for (let r = 0; r < job.reps; r++) {
    const A = makeAdapter({ kind: 'native' }, 0, () => {
      throw new Error('unused');
    })!;
    let ptrs: unknown[] | null = new Array(job.slots).fill(0);
    const before = used();
    replay(A, prefix, ptrs as never);
    const after = used();
    out[job.name].push(after - before);
    ptrs = null;
  }
}
process.stdout.write(JSON.stringify(out));
