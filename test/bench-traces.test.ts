/**
 * The bench's CS:APP-like trace kinds are what they claim (seeded, valid, the pattern named), and the
 * baseline run's results are read back for the utilization goal. No benchmark run.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaselineError, parsePrevious, readPrevious } from '../bench/previous.js';
import { makeAdapter, type ContenderSpec, type CreateAllocator } from '../bench/contenders.js';
import { replay } from '../bench/harness.mjs';
import { compile } from '../bench/program.js';
import { binaryTrace, coalescingTrace, reallocNeighboursTrace, reallocTrace } from '../bench/synthetic.js';
import { minimalPool } from '../bench/utilization.js';
import { createAllocator } from '../src/index.js';
import { formatTrace, parseTrace, type TraceOp } from '../sim/trace.js';
import { scratchDir } from './helpers/scratch.js';

test('coalescing trace: seeded pairs of one size, each pair freed so that it merges, some double-size blocks', (t) => {
  const ops = coalescingTrace(500);
  t.deepEqual(coalescingTrace(500), ops);
  t.notDeepEqual(coalescingTrace(500, 7), ops);
  t.deepEqual(parseTrace(formatTrace(ops)), ops);
  const sizes = new Set(ops.flatMap((o) => (o.op === 'a' ? [o.size] : [])));
  t.is(sizes.size, 2);
  const [size, double] = [...sizes].sort((a, b) => a - b);
  t.is(double, 2 * size);
  t.false(ops.some((o) => o.op === 'r'));
  // Two blocks of the size allocated side by side, then both freed, in either order.
  const orders = new Set<string>();
  for (let i = 0; i + 3 < ops.length; i++) {
    const [a, b, c, d] = ops.slice(i, i + 4);
    if (a.op === 'a' && b.op === 'a' && a.size === size && b.size === size) {
      t.true(c.op === 'f' && d.op === 'f' && new Set([c.id, d.id]).size === 2 && [a.id, b.id].includes(c.id) && [a.id, b.id].includes(d.id));
      orders.add(c.id === a.id ? 'first' : 'second');
    }
  }
  t.deepEqual([...orders].sort(), ['first', 'second']);
  // The pair merges: a first-fit pool that holds two blocks and the double one holds the whole trace.
  const heap = createAllocator({ poolSize: 4 * double, strategy: 'first-fit', lock: 'none' });
  t.true(replays(heap, ops));
});

test('realloc trace: one buffer grown by reallocate, small blocks behind it, so it sometimes moves', (t) => {
  const ops = reallocTrace(600);
  t.deepEqual(reallocTrace(600), ops);
  t.deepEqual(parseTrace(formatTrace(ops)), ops);
  const reallocs = ops.filter((o): o is Extract<TraceOp, { op: 'r' }> => o.op === 'r');
  t.true(reallocs.length >= 400);
  // Every reallocation grows it; one buffer at a time: once another is grown, the last one is done.
  const size = new Map<number, number>();
  const done = new Set<number>();
  let current = 0;
  for (const o of ops) {
    if (o.op === 'a') size.set(o.id, o.size);
    else if (o.op === 'f') size.delete(o.id);
    else {
      t.true(o.size > size.get(o.id)!);
      t.false(done.has(o.id));
      if (o.id !== current) done.add(current);
      current = o.id;
      size.set(o.id, o.size);
    }
  }
  t.true(done.size >= 3, 'several buffers, each grown to its cap');
  // With first fit, the growth happens in place at times and moves the buffer at other times.
  const heap = createAllocator({ poolSize: 1 << 18, strategy: 'first-fit', lock: 'none' });
  const moves = { inPlace: 0, moved: 0 };
  t.true(replays(heap, ops, (moved) => moves[moved ? 'moved' : 'inPlace']++));
  t.true(moves.inPlace > 100 && moves.moved > 10, JSON.stringify(moves));
});

test('binary trace: small long-lived blocks between large transient ones, then larger requests after the large ones are gone', (t) => {
  const ops = binaryTrace(6);
  t.deepEqual(binaryTrace(6), ops);
  t.notDeepEqual(binaryTrace(6, 48, 9), ops);
  t.deepEqual(parseTrace(formatTrace(ops)), ops);
  const size = new Map<number, number>();
  const born = new Map<number, number>();
  let largerWhileLargeLive = 0;
  let larger = 0;
  let lastLarger = -1;
  let outlived = 0;
  ops.forEach((o, i) => {
    if (o.op === 'r') t.fail('no reallocate in this kind');
    else if (o.op === 'a') {
      t.true((o.size >= 16 && o.size <= 64) || (o.size >= 256 && o.size <= 1024), `size ${o.size}`);
      if (o.size > 512) {
        larger++;
        lastLarger = i;
        if ([...size.values()].some((s) => s >= 256 && s <= 512)) largerWhileLargeLive++;
      }
      // A round's large block while small blocks of an earlier round are live.
      if (o.size >= 256 && o.size <= 512 && [...size].some(([id, s]) => s <= 64 && born.get(id)! < lastLarger)) outlived++;
      size.set(o.id, o.size);
      born.set(o.id, i);
    } else size.delete(o.id);
  });
  t.true(larger >= 6 * 20, `${larger} larger requests`);
  t.is(largerWhileLargeLive, 0, 'every large block is freed before the larger requests come');
  t.true(outlived > 0, 'small blocks outlive their round');
  t.is(size.size, 0, 'everything is freed at the end');
  const heap = createAllocator({ poolSize: 1 << 17, strategy: 'first-fit', lock: 'none' });
  t.true(replays(heap, ops));
});

test('realloc-neighbours trace: a buffer grown in small steps, a small block allocated after each and freed three steps later', (t) => {
  const ops = reallocNeighboursTrace(500);
  t.deepEqual(reallocNeighboursTrace(500), ops);
  t.deepEqual(parseTrace(formatTrace(ops)), ops);
  const size = new Map<number, number>();
  const smallBorn: number[] = [];
  const lifetimes: number[] = [];
  let step = 0;
  for (const o of ops) {
    if (o.op === 'r') {
      t.true(o.size - size.get(o.id)! >= 5 && o.size - size.get(o.id)! <= 64);
      size.set(o.id, o.size);
      step++;
    } else if (o.op === 'a') {
      size.set(o.id, o.size);
      if (o.size <= 64) smallBorn[o.id] = step;
    } else {
      if (smallBorn[o.id] !== undefined) lifetimes.push(step - smallBorn[o.id]);
      size.delete(o.id);
    }
  }
  t.true(step >= 450);
  t.is(size.size, 0);
  // Three growth steps each, but for the last three, freed at the end.
  t.deepEqual(new Set(lifetimes.slice(0, -3)), new Set([3]));
  t.is(lifetimes.length, step);
});

type Heap = ReturnType<typeof createAllocator>;
function replays(heap: Heap, ops: readonly TraceOp[], onRealloc?: (moved: boolean) => void): boolean {
  const ptr = new Map<number, number>();
  for (const o of ops) {
    if (o.op === 'f') heap.free(ptr.get(o.id)!);
    else {
      const p = o.op === 'a' ? heap.allocate(o.size) : heap.reallocate(ptr.get(o.id)!, o.size);
      if (p === 0) return false;
      if (o.op === 'r') onRealloc?.(p !== ptr.get(o.id));
      ptr.set(o.id, p);
    }
  }
  heap.check();
  return true;
}

test('the committed results are read back: traces and utilization per contender, "none" as null', (t) => {
  const md = [
    '### Traces',
    '| trace | operations | peak live | most live blocks |',
    '| --- | ---: | ---: | ---: |',
    '| esp32 | 5,006 | 24,790 B | 47 |',
    '| coalescing | 8,994 | 6,920 B | 2 |',
    '',
    '### Memory efficiency (utilization; best strategy by geometric mean: first-fit)',
    '| utilization (smallest pool) | tlsf | first-fit | thi.ng | ceiling: headers only |',
    '| --- | ---: | ---: | ---: | ---: |',
    '| esp32 | 0.771 (31.4 KiB) | 0.806 (30.0 KiB) | none up to 64 MiB | 0.987 |',
    '| coalescing | 0.500 (13.5 KiB) | 0.498 (13.6 KiB) | 0.497 (13.6 KiB) | 0.997 |',
    '| **geometric mean** | **0.800** | **0.832** | **0.814** | **0.954** |',
  ].join('\n');
  const p = parsePrevious(md, 'test')!;
  t.deepEqual(p.traces.get('esp32'), { operations: 5006, peakLiveBytes: 24790 });
  t.deepEqual([...p.utilization.keys()], ['esp32', 'coalescing']);
  t.deepEqual(Object.fromEntries(p.utilization.get('esp32')!), { tlsf: 0.771, 'first-fit': 0.806, 'thi.ng': null, 'ceiling: headers only': null });
  t.is(parsePrevious('# no tables here', 'test'), null);
});

test('the utilization goal holds a run to the baseline commit of bench/baseline.json, not to the last results committed', (t) => {
  const root = new URL('..', import.meta.url).pathname;
  const { rev } = JSON.parse(readFileSync(`${root}bench/baseline.json`, 'utf8')) as { rev: string };
  const p = readPrevious(root)!;
  if (spawnSync('git', ['cat-file', '-e', `${rev}:bench/results.md`], { cwd: root }).status !== 0) {
    t.regex(p.source, new RegExp(`the baseline ${rev} of bench/baseline.json is not in this clone`));
    return;
  }
  t.regex(p.source, new RegExp(`^bench/results.md of the baseline run \\(${rev} \\d{4}-\\d\\d-\\d\\d, named in bench/baseline.json\\)$`));
  const shown = spawnSync('git', ['show', `${rev}:bench/results.md`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 }).stdout;
  t.deepEqual(p.utilization, parsePrevious(shown, 'baseline')!.utilization);
});

test('a baseline file that is not one stops the bench with its reason; a commit not in the clone falls back and says so', (t) => {
  const root = scratchDir('mcalloc-baseline-', (f) => t.teardown(f));
  mkdirSync(join(root, 'bench'));
  const baseline = join(root, 'bench', 'baseline.json');
  writeFileSync(baseline, 'nope');
  t.throws(() => readPrevious(root), { instanceOf: BaselineError, message: /^bench\/baseline\.json: not JSON/ });
  writeFileSync(baseline, '{ "rev": "HEAD~1" }');
  t.throws(() => readPrevious(root), { instanceOf: BaselineError, message: 'bench/baseline.json: "rev" must be a commit hash (got "HEAD~1")' });
  // Not a git directory: the results file on disk, with the reason.
  writeFileSync(baseline, '{ "rev": "0123456" }');
  const own = readFileSync(new URL('../bench/results.md', import.meta.url), 'utf8');
  writeFileSync(join(root, 'bench', 'results.md'), own);
  const p = readPrevious(root)!;
  t.is(p.source, 'bench/results.md before this run (not in git) (the baseline 0123456 of bench/baseline.json is not in this clone)');
  t.deepEqual(p.utilization, parsePrevious(own, 'x')!.utilization);
});

test('the smallest pool of the bench is the search of the tuner without its scan: it completes, 8 bytes less does not, for mcalloc and thi.ng', (t) => {
  const program = compile('realloc', 'synthetic', reallocTrace(400));
  const create = createAllocator as unknown as CreateAllocator;
  for (const spec of [{ kind: 'mcalloc', strategy: 'tlsf' }, { kind: 'mcalloc', strategy: 'first-fit' }, { kind: 'thing', compact: true }] as ContenderSpec[]) {
    const size = minimalPool(spec, program, create);
    t.truthy(size, JSON.stringify(spec));
    const runs = (poolSize: number) => replay(makeAdapter(spec, poolSize, create)!, program.code, new Array(program.slots).fill(0)) === -1;
    t.true(runs(size!), `${JSON.stringify(spec)} completes at ${size}`);
    t.false(runs(size! - 8), `${JSON.stringify(spec)} fails at ${size! - 8}`);
    t.true(size! >= program.peakLiveBytes);
  }
});
