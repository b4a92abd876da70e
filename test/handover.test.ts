/** The zero-copy hand-over example: only offsets cross between the Workers, and every block comes back. */
import test from 'ava';
import { handOver } from '../sim/workers/handover.js';

test('hand-over by offset: the consumer reads every message in place and frees it', async (t) => {
  const r = await handOver(5000, 8192);
  t.is(r.consumer.received, 5000);
  t.is(r.consumer.checksum, r.sentChecksum);
  t.is(r.consumer.first, 'packet 0: ');
  t.is(r.usedBlocksAfter, 0);
});
