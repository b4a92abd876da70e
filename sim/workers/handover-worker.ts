/**
 * The two sides of the hand-over example (handover.ts). The producer writes each message straight
 * into a block of the shared pool and posts only its offset and length; the consumer reads the bytes
 * in place and frees the block. The message bytes are never copied between threads.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createAllocator } from '../../src/index.js';

export interface HandoverTask {
  role: 'producer' | 'consumer';
  buffer: SharedArrayBuffer;
  port: MessagePort;
  count: number;
}

/** What crosses between the workers: a place in the pool, not the data. */
export interface Handle {
  ptr: number;
  length: number;
}

export interface ConsumerReport {
  received: number;
  /** Sum of every byte received, to compare with the producer's. */
  checksum: number;
  first: string;
}

/** For a 1 ms sleep while the pool is full (Atomics.wait on a word nobody changes). */
const nap = new Int32Array(new SharedArrayBuffer(4));

export function message(i: number): Uint8Array {
  return new TextEncoder().encode(`packet ${i}: ${'x'.repeat(i % 200)}`);
}

function produce(task: HandoverTask): number {
  const heap = createAllocator({ buffer: task.buffer, attach: true, lock: 'atomics' });
  let checksum = 0;
  for (let i = 0; i < task.count; i++) {
    const bytes = message(i);
    let ptr;
    // A full pool means the consumer is behind: wait for it to free something.
    while ((ptr = heap.allocate(bytes.length)) === 0) Atomics.wait(nap, 0, 0, 1);
    new Uint8Array(task.buffer, ptr, bytes.length).set(bytes);
    for (const b of bytes) checksum += b;
    task.port.postMessage({ ptr, length: bytes.length } satisfies Handle);
  }
  return checksum;
}

function consume(task: HandoverTask): Promise<ConsumerReport> {
  const heap = createAllocator({ buffer: task.buffer, attach: true, lock: 'atomics' });
  const report: ConsumerReport = { received: 0, checksum: 0, first: '' };
  return new Promise((resolve) => {
    task.port.on('message', ({ ptr, length }: Handle) => {
      const view = new Uint8Array(task.buffer, ptr, length); // the producer's bytes, in place
      for (let i = 0; i < length; i++) report.checksum += view[i];
      if (report.received === 0) report.first = new TextDecoder().decode(view.slice());
      heap.free(ptr);
      if (++report.received === task.count) {
        task.port.close();
        resolve(report);
      }
    });
  });
}

if (parentPort !== null && workerData?.data !== undefined) {
  const task = workerData.data as HandoverTask;
  if (task.role === 'producer') parentPort.postMessage(produce(task));
  else parentPort.postMessage(await consume(task));
}
