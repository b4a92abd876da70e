/**
 * The simulator and the device run the same code: every target bundle runs the same seeded workload
 * (test/helpers/workload.ts: 20,000 allocate/reallocate/free calls, check() after every 1,000) in the
 * real XS engine and in Node, and both must return the same offsets, in the same order, and end with
 * byte-identical pools. The Node library (dist/node, what the simulator imports), configured at run
 * time like the target, must agree too. Run `npm run build` first.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTargets } from '../build/targets.mjs';
import { closeXSHost, runInXS } from '../bench/xs.js';
import { PARITY, runWorkloadInNode, workloadScript, type WorkloadResult } from './helpers/workload.js';

const { seed: SEED, operations: OPERATIONS, checkEvery: CHECK_EVERY } = PARITY;

test.after.always(() => closeXSHost());

const importFile = (file: string) => import(pathToFileURL(resolve(file)).href) as Promise<unknown>;

for (const target of loadTargets('targets')) {
  test(`${target.name}: XS and Node return the same offsets and end with the same pool`, async (t) => {
    const file = join('dist', 'targets', target.name, 'mcalloc.js');
    if (!existsSync(file)) return t.fail(`${file} is missing: run \`npm run build\``);
    const script = workloadScript({
      seed: SEED, operations: OPERATIONS, checkEvery: CHECK_EVERY, poolSize: target.poolSize,
      strategy: target.strategy, lock: target.lock, debug: target.debug,
    });
    const xs = await runInXS<WorkloadResult>(readFileSync(file, 'utf8'), script);
    const node = runWorkloadInNode(script, await importFile(file));
    const library = runWorkloadInNode(script, await importFile(join('dist', 'node', 'index.js')));

    t.is(xs.result.operations, OPERATIONS);
    t.is(xs.result.checks, OPERATIONS / CHECK_EVERY);
    t.true(xs.result.live > 0 && xs.result.freeBlocks > 0, 'the workload ends with a mixed heap');
    t.deepEqual(node, xs.result, 'the same bundle in Node and in XS');
    t.deepEqual(library, xs.result, 'the Node library (the simulator) and the bundle in XS');
    t.log(`XS compute ${xs.compute} (load ${xs.loadCompute}); offsets ${xs.result.offsetsHash.toString(16)}, pool ${xs.result.poolHash.toString(16)}, ${xs.result.failed} failed`);
  });
}

test('the workload is sensitive: another seed gives other offsets and another pool', async (t) => {
  const target = loadTargets('targets').find((x) => x.name === 'esp32')!;
  const run = async (seed: number) => runWorkloadInNode(workloadScript({
    seed, operations: 2_000, checkEvery: CHECK_EVERY, poolSize: target.poolSize,
    strategy: target.strategy, lock: target.lock, debug: target.debug,
  }), await importFile(join('dist', 'targets', 'esp32', 'mcalloc.js')));
  const [a, b, c] = [await run(1), await run(1), await run(2)];
  t.deepEqual(a, b, 'same seed, same result');
  t.not(a.offsetsHash, c.offsetsHash);
  t.not(a.poolHash, c.poolHash);
});
