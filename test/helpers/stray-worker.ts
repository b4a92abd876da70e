/** Runs stray-write cases in a Worker and reports each one as it ends, so the parent's watchdog can tell a hang. */
import { parentPort, workerData } from 'node:worker_threads';
import { runCase, type CaseSpec } from './stray.js';

const { cases } = workerData.data as { cases: CaseSpec[] };
for (let i = 0; i < cases.length; i++) {
  const { outcome, detail } = runCase(cases[i]);
  parentPort!.postMessage({ i, outcome, detail });
}
parentPort!.postMessage({ done: true });
