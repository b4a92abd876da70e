/** Seeded random traces for the tuner's tests. */
import { createRandom } from '../../sim/prng.js';
import { parseTrace, type TraceOp } from '../../sim/trace.js';

/** A random trace of `n` operations: allocations of 1..maxSize bytes, frees, some reallocations. */
export function randomTrace(seed: number, n: number, maxSize: number): TraceOp[] {
  const random = createRandom(seed).float;
  const live: number[] = [];
  const lines: string[] = [];
  let id = 1;
  for (let i = 0; i < n; i++) {
    const x = random();
    if (live.length > 0 && x < 0.4) {
      const j = Math.floor(random() * live.length);
      lines.push(`f ${live[j]}`);
      live.splice(j, 1);
    } else if (live.length > 0 && x < 0.5) {
      lines.push(`r ${live[Math.floor(random() * live.length)]} ${1 + Math.floor(random() * maxSize)}`);
    } else {
      lines.push(`a ${id} ${1 + Math.floor(random() * random() * maxSize)}`);
      live.push(id++);
    }
  }
  return parseTrace(lines.join('\n'));
}
