/**
 * Worker entry of tune-workers.ts: tunes one strategy (tuneStrategy) on the shared packed trace and
 * posts progress, then the result. A fresh thread per strategy also keeps the allocator's calls
 * monomorphic for V8: one strategy per isolate replays about twice as fast as five in one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TraceTooLarge } from './search.js';
import { tuneStrategy } from './tune.js';
import type { WorkerMessage, WorkerTask } from './tune-workers.js';

const task = (workerData as { data: WorkerTask }).data;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
try {
  const result = tuneStrategy(task.ops, task.strategy, task.profile, task.options, (what, start = false) => post({ kind: 'progress', what, start }));
  post({ kind: 'done', result });
} catch (e) {
  post({ kind: 'error', message: (e as Error).message, tooLarge: e instanceof TraceTooLarge, stack: (e as Error).stack ?? '' });
}
