/** Starts a Worker on a TypeScript module (through boot.mjs); the module reads its data from `workerData.data`. */
import { Worker, type Transferable } from 'node:worker_threads';

export function startWorker(entry: URL, data: unknown, transferList: Transferable[] = []): Worker {
  // execArgv []: boot.mjs registers tsx itself; an inherited --import=tsx would load it twice.
  return new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { entry: entry.href, data }, execArgv: [], transferList });
}

/** Resolves with the worker's one message, rejects if it fails or exits without one. */
export function result<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    let got = false;
    worker.once('message', (m: T) => {
      got = true;
      resolve(m);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!got) reject(new Error(`worker exited with code ${code} before reporting`));
    });
  });
}
