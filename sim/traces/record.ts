/**
 * Writes one representative trace per shipped target: `node --import tsx sim/traces/record.ts [DIR]`
 * (into sim/traces, or DIR: the docs test records into a scratch directory and compares).
 * esp32, esp8266, esp32-workers: device-workloads.ts through the allocator's `trace` option;
 * sim: the simulator's `steady` workload (interrupt handlers and main loop) through its `record` hook.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate } from '../simulate.js';
import { loadTarget } from '../target.js';
import { formatOp, type TraceOp } from '../trace.js';
import { findWorkload } from '../workloads.js';
import { DEVICE_WORKLOADS, recordWorkload } from './device-workloads.js';

const here = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const SEED = 1;

function save(name: string, note: string, lines: string[]): void {
  writeFileSync(join(here, `${name}.trace`), `# ${name}: ${note}\n${lines.join('\n')}\n`);
  console.log(`${name}.trace: ${lines.length} operations`);
}

for (const [name, w] of Object.entries(DEVICE_WORKLOADS)) {
  save(name, `target ${name}, sim/traces/device-workloads.ts, seed ${SEED}: ${w.note}`, recordWorkload(w, SEED));
}

function recordSim(ops: number, seed = SEED): TraceOp[] {
  const recorded: TraceOp[] = [];
  simulate({ target: loadTarget('sim'), workload: findWorkload('steady')!, seed, ops, record: (o) => recorded.push(o) });
  return recorded;
}

save('sim', `simulator, target sim, workload steady, seed ${SEED}, 6000 operations`, recordSim(6000).map(formatOp));
