/**
 * Worker entry point that can run TypeScript: Node 20 does not apply the parent's tsx loader to a
 * Worker's own entry file (`--import tsx` in execArgv fails with ERR_UNKNOWN_FILE_EXTENSION), so this
 * plain-JS file registers tsx and then imports the TypeScript module named in workerData.entry.
 */
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
