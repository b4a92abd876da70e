/**
 * The tuner's cost column counts the free-structure words each operation reads. Release TLSF pools run
 * TlsfAllocator, which never calls the strategy objects the count wraps: the count must still see
 * them (it read 0.04 words per operation there, 10 in a debug pool of the same trace).
 */
import test from 'ava';
import { measureCost } from '../sim/tune/cost.js';
import { STRATEGIES, pack } from '../sim/tune/replay.js';
import { randomTrace } from './helpers/random-trace.js';

const trace = pack(randomTrace(7, 4000, 600));

test('every strategy, release or debug, reads its free structure on every operation, and the same words', (t) => {
  for (const strategy of STRATEGIES) {
    const release = measureCost(trace, { strategy, poolSize: 65536 });
    const debug = measureCost(trace, { strategy, poolSize: 65536, debug: true });
    t.true(release.mean >= 1, `${strategy}: ${release.mean.toFixed(2)} words per operation`);
    t.true(release.worst >= release.mean && release.worstAt >= 0, strategy);
    // Debug blocks are laid out the same way save for canaries, so the words differ only a little.
    t.true(Math.abs(debug.mean - release.mean) <= 0.25 * release.mean, `${strategy}: debug ${debug.mean.toFixed(2)}, release ${release.mean.toFixed(2)}`);
    t.log(`${strategy}: release worst ${release.worst}, mean ${release.mean.toFixed(2)}; debug worst ${debug.worst}, mean ${debug.mean.toFixed(2)}`);
  }
});
