/**
 * The tuner's cost column counts the free-structure words each operation reads. Release TLSF pools run
 * TlsfAllocator, which never calls the strategy objects the count wraps: the count must still see
 * them (it read 0.04 words per operation there, 10 in a debug pool of the same trace). The tuner counts
 * with the counting build of the strategies when it is built (npm test builds first), else with a Proxy:
 * the two must agree.
 */
import test from 'ava';
import { countReads } from '../build/count-reads.mjs';
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

test('the counting build (dist/cli/counting.js) counts the same words as a Proxy of the pool, operation by operation', (t) => {
  // A recorded-like trace with reallocations, at a tight pool where lists are long.
  const tight = pack(randomTrace(11, 6000, 900));
  for (const strategy of STRATEGIES) {
    for (const debug of [false, true]) {
      const counted = measureCost(tight, { strategy, poolSize: 40960, debug }, 'counting');
      const proxied = measureCost(tight, { strategy, poolSize: 40960, debug }, 'proxy');
      t.deepEqual(counted, proxied, `${strategy}${debug ? ' (debug)' : ''}`);
    }
  }
});

test('the counting build counts every read of the pool, and refuses a read it could not count', (t) => {
  const { code } = countReads('function f(m, P, k) { m[1] = m[2] + P.m[3]; m[4] |= 1; m[5]++; return m[m[6] >> 2] ^ k; }', 'f.js');
  t.is(code.match(/__reads\.n\+\+/g)?.length, 6);
  const f = new Function(`${code.replace(/^import .*\n/, 'const __reads = { n: 0 };\n')}\nreturn [f, __reads];`)() as [(m: Int32Array, P: { m: Int32Array }, k: number) => number, { n: number }];
  const m = new Int32Array(8).fill(3);
  t.is(f[0](m, { m }, 1), 3 ^ 1);
  t.is(f[1].n, 6);
  t.throws(() => countReads('function f(m) { return m.length; }', 'g.js'), { message: /g\.js: a named property of the pool \(m\.length\)/ });
  t.throws(() => countReads('function f(a) { return a[0]; }', 'h.js'), { message: /h\.js: a\[0\] is a computed access/ });
});
