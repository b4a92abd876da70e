/**
 * Example: zero-copy hand-over of buffers between Workers through a shared pool. Two Workers attach
 * to one pool in a SharedArrayBuffer (lock 'atomics'); the producer fills blocks and posts their
 * offsets, the consumer reads them in place and frees them. Run: node --import tsx sim/workers/handover.ts
 */
import { MessageChannel } from 'node:worker_threads';
import { createAllocator } from '../../src/index.js';
import type { ConsumerReport, HandoverTask } from './handover-worker.js';
import { result, startWorker } from './spawn.js';

export interface HandoverResult {
  sentChecksum: number;
  consumer: ConsumerReport;
  usedBlocksAfter: number;
}

export async function handOver(count: number, poolSize = 16384): Promise<HandoverResult> {
  const buffer = new SharedArrayBuffer(poolSize);
  const heap = createAllocator({ buffer, lock: 'atomics' });
  const { port1, port2 } = new MessageChannel();
  const entry = new URL('./handover-worker.ts', import.meta.url);
  const task = (role: HandoverTask['role'], port: typeof port1): HandoverTask => ({ role, buffer, port, count });
  // The ports are transferred (postMessage's transfer list, through workerData's transferList).
  const consumer = startWorker(entry, task('consumer', port2), [port2]);
  const producer = startWorker(entry, task('producer', port1), [port1]);
  const [sentChecksum, report] = await Promise.all([result<number>(producer), result<ConsumerReport>(consumer)]);
  heap.check();
  return { sentChecksum, consumer: report, usedBlocksAfter: heap.stats().usedBlocks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await handOver(10_000);
  console.log(`consumer received ${r.consumer.received} messages by offset (first: ${JSON.stringify(r.consumer.first)}),`);
  console.log(`checksum ${r.consumer.checksum} (producer wrote ${r.sentChecksum}); blocks still in use: ${r.usedBlocksAfter}`);
}
