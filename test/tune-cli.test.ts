/**
 * `mcalloc tune` end to end through main(argv): a trace recorded with the allocator's `trace` option
 * round-trips, a device log is read with --log, --write touches only poolSize, the report is drawn,
 * and bad input gives one clear line and exit code 2.
 */
import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAllocator } from '../src/index.js';
import { simulate } from '../sim/simulate.js';
import { loadTarget } from '../sim/target.js';
import { formatTrace, parseTrace, type TraceOp } from '../sim/trace.js';
import { findWorkload } from '../sim/workloads.js';
import { main } from '../sim/tune/cli.js';
import { STRATEGIES, completes, replay } from '../sim/tune/replay.js';
import { tune } from '../sim/tune/tune.js';
import { createRandom } from '../sim/prng.js';
import { PACKAGE_TARGETS } from '../sim/package.js';
import { scratchDir } from './helpers/scratch.js';

const dir = scratchDir('mcalloc-tune-', (f) => test.after.always(f));

async function run(argv: string[], cwd?: string) {
  let out = '', err = '';
  const back = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  try {
    const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
    return { code, out, err };
  } finally {
    process.chdir(back);
  }
}

function file(name: string, text: string | Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** Drives a real allocator with a seeded mix (growing reallocations included) and records its trace. */
function recorded(seed: number, steps = 220) {
  const lines: string[] = [];
  const heap = createAllocator({ poolSize: 1 << 16, strategy: 'first-fit', trace: (l) => lines.push(l) });
  const random = createRandom(seed).float;
  const live: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = random();
    if (live.length && x < 0.35) heap.free(live.splice(Math.floor(random() * live.length), 1)[0]);
    else if (live.length && x < 0.5) {
      const j = Math.floor(random() * live.length);
      live[j] = heap.reallocate(live[j], 1 + Math.floor(random() * 700));
    } else live.push(heap.allocate(1 + Math.floor(random() * random() * 600)));
  }
  return { text: lines.join('\n') + '\n', stats: heap.stats() };
}

test('a trace recorded with the trace option replays to the same heap and tunes with exit 0', async (t) => {
  const { text, stats } = recorded(7);
  t.true(/^r \d+ \d+$/m.test(text), 'the workload reallocates');
  const ops = parseTrace(text);
  let peak = 0, used = 0;
  replay(ops, { strategy: 'first-fit', poolSize: 1 << 16 }, (heap) => {
    const s = heap.stats();
    peak = s.peakUsedBytes;
    used = s.usedBytes;
  });
  // Same strategy and pool: the same placements, so the same used bytes at the end and at the peak
  // (the allocator's own peak, which also sees both blocks of a moving reallocate).
  t.is(peak, stats.peakUsedBytes);
  t.is(used, stats.usedBytes);

  const r = await run(['--trace', file('recorded.trace', text), '--headroom', '0.1']);
  t.is(r.code, 0, r.err);
  const m = /recommended: strategy (\S+), poolSize (\d+)/.exec(r.out);
  t.truthy(m, r.out);
  t.true(completes(ops, { strategy: m![1] as 'tlsf', poolSize: Number(m![2]) }));
});

test('a trace recorded by the simulator (interrupts and main loop) round-trips through tune', async (t) => {
  const ops: TraceOp[] = [];
  simulate({ target: loadTarget('sim'), workload: findWorkload('steady')!, seed: 3, ops: 600, record: (o) => ops.push(o) });
  const text = formatTrace(ops);
  t.deepEqual(parseTrace(text), ops);
  const r = await run(['--trace', file('sim.trace', text), '--target', 'sim']);
  t.is(r.code, 0, r.err);
  const m = /recommended: strategy (\S+), poolSize (\d+)/.exec(r.out);
  t.true(completes(ops, { strategy: m![1] as 'tlsf', poolSize: Number(m![2]) }));
  // The run completed in the sim target's pool; replayed in recorded order it completes there too.
  t.regex(r.out, /fails @65536/);
  t.is(replay(ops, { strategy: 'tlsf', poolSize: 65536 }).failed, 0);
});

test('the recommended pool of every strategy completes the trace, and carries the headroom', (t) => {
  const ops = parseTrace(recorded(11).text);
  const result = tune(ops, { headroom: 0.2 });
  for (const s of result.results) {
    t.true(completes(ops, { strategy: s.strategy, poolSize: s.withHeadroom }), s.strategy);
    t.true(s.withHeadroom >= s.search.size * 1.2, s.strategy);
  }
  const rec = result.results.find((s) => s.strategy === result.recommended.strategy)!;
  t.is(result.recommended.poolSize, rec.withHeadroom);
});

test('a device log (ESP32 serial console with xsbug-style lines) is read with --log FILE', async (t) => {
  const { text } = recorded(3, 120);
  const log = [
    'ets Jun  8 2016 00:22:57',
    'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
    'load:0x3fff0030,len:6612',
    'entry 0x40080674',
    'I (29) boot: ESP-IDF v4.4.3 2nd stage bootloader',
    'I (612) heap_init: At 3FFAE6E0 len 00001920 (6 KiB): DRAM',
    'Hello from mcalloc, free 123',
    ...text.trim().split('\n').map((l, i) => (i % 3 === 0 ? `mcalloc: ${l}` : l)),
    'Wi-Fi connected: 192.168.1.23',
    '',
  ].join('\r\n');
  const f = file('device.log', log);
  const strict = await run(['--trace', f]);
  t.is(strict.code, 2);
  t.regex(strict.err, /device\.log: line 1: not a trace line/);
  t.deepEqual(parseTrace(log, { lenient: true }), parseTrace(text));
  const r = await run(['--log', f]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /recommended: strategy/);
  t.regex(r.out, new RegExp(`^trace device\\.log: ${parseTrace(text).length} operations`, 'm'), 'every trace line of the log, nothing else');
});

test('--write sets poolSize for the target strategy and keeps every other field and the format', async (t) => {
  const targets = scratchDir('mcalloc-targets-', (f) => t.teardown(f));
  const before = { poolSize: 16384, strategy: 'first-fit', lock: 'none', alignment: 8, debug: false, note: 'Small board: 16 KiB pool, smallest code (first-fit).' };
  writeFileSync(join(targets, 'small.json'), `${JSON.stringify(before, null, 2)}\n`);
  const r = await run(['--trace', file('w.trace', recorded(5, 150).text), '--target', 'small', '--targets', targets, '--write']);
  t.is(r.code, 0, r.err);
  const m = /^wrote .*small\.json: poolSize 16384 -> (\d+) \(for its own strategy, first-fit\); note: /m.exec(r.out);
  t.truthy(m, r.out);
  t.notRegex(r.out, /would set/, 'says what it wrote, once');
  t.is(r.out.match(/16384 -> /g)!.length, 1);
  const size = Number(m![1]);
  const text = readFileSync(join(targets, 'small.json'), 'utf8');
  const note = `Small board: ${size % 1024 ? `${size} bytes` : `${size / 1024} KiB`} pool, smallest code (first-fit). Pool sized by mcalloc tune from w.trace (+15% headroom).`;
  t.is(text, JSON.stringify({ ...before, poolSize: size, note }, null, 2) + '\n');
  t.regex(r.out, /fails @16384/);
  // A second --write replaces the sentence of the first instead of adding one.
  const again = await run(['--trace', file('w2.trace', recorded(6, 150).text), '--target', 'small', '--targets', targets, '--write', '--headroom', '0.3']);
  t.is(again.code, 0, again.err);
  const second = JSON.parse(readFileSync(join(targets, 'small.json'), 'utf8'));
  t.regex(second.note, /^Small board: \d+ (bytes|KiB) pool, smallest code \(first-fit\)\. Pool sized by mcalloc tune from w2\.trace \(\+30% headroom\)\.$/);
});

// Serial: it changes the current directory, which every concurrent test would see.
test.serial('targets: ./targets of the current directory, the trace header names the target, --write copies a shipped target', async (t) => {
  const project = scratchDir('mcalloc-project-', (f) => t.teardown(f));
  mkdirSync(join(project, 'targets'));
  writeFileSync(join(project, 'targets', 'board.json'), `${JSON.stringify({ poolSize: 8192, strategy: 'tlsf', lock: 'interrupt', note: 'Our board, 8 KiB pool.' }, null, 2)}\n`);
  const trace = file('board.trace', `# recorded on target board\n${recorded(4, 120).text}`);
  // No --target: the header line names it, found in ./targets of the current directory.
  const r = await run(['--trace', trace, '--write'], project);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /^target board: tlsf, poolSize 8192 \(named by the trace's header line, targets\/board\.json\)$/m);
  t.regex(r.out, /fails @8192/);
  t.regex(r.out, /^wrote targets\/board\.json: poolSize 8192 -> \d+/m);
  t.regex(JSON.parse(readFileSync(join(project, 'targets', 'board.json'), 'utf8')).note, /^Our board, \d+ (KiB|bytes) pool\. Pool sized by mcalloc tune from board\.trace/);
  // A shipped target is read (for the comparison) from mcalloc itself, never written.
  const shipped = await run(['--trace', trace, '--target', 'esp32'], project);
  t.is(shipped.code, 0, shipped.err);
  t.regex(shipped.out, /^target esp32: tlsf, poolSize 65536 \(.*targets\/esp32\.json\)$/m);
  t.regex(shipped.out, /^--write would copy .*targets\/esp32\.json to targets\/esp32\.json and set poolSize 65536 -> \d+/m);
  // --write on a shipped target: a copy in ./targets, changed there; the shipped file stays as it was.
  const shippedText = readFileSync(join(PACKAGE_TARGETS, 'esp32.json'), 'utf8');
  const write = await run(['--trace', trace, '--target', 'esp32', '--write'], project);
  t.is(write.code, 0, write.err);
  t.regex(write.out, /^copied .*targets\/esp32\.json \(shipped with mcalloc\) to targets\/esp32\.json, which every mcalloc command now finds first$/m);
  const size = Number(/^wrote targets\/esp32\.json: poolSize 65536 -> (\d+)/m.exec(write.out)![1]);
  const copy = JSON.parse(readFileSync(join(project, 'targets', 'esp32.json'), 'utf8'));
  t.deepEqual(copy, { ...JSON.parse(shippedText), poolSize: size, note: copy.note });
  t.is(readFileSync(join(PACKAGE_TARGETS, 'esp32.json'), 'utf8'), shippedText);
  // From now on the name means the copy.
  const again = await run(['--trace', trace, '--target', 'esp32'], project);
  t.regex(again.out, new RegExp(`^target esp32: tlsf, poolSize ${size} \\(targets/esp32\\.json\\)$`, 'm'));
  // A header naming a target that is nowhere: a warning, and the run goes on without a comparison.
  const stray = await run(['--trace', file('stray.trace', `# target esp99\n${recorded(4, 60).text}`)], project);
  t.is(stray.code, 0);
  t.regex(stray.err, /the trace names target "esp99", which is not here: no comparison/);
  t.regex(stray.out, /fails @current/);
});

test('progress goes to stderr on a terminal, is erased at the end, and --quiet silences it', async (t) => {
  const trace = file('p.trace', recorded(12, 150).text);
  let progress = '', out = '';
  const io = { out: (s: string) => { out += s; }, err: () => {}, progress: { write: (s: string) => (progress += s), isTTY: true } };
  t.is(await main(['--trace', trace], io), 0);
  t.regex(progress, /mcalloc tune: reading .*p\.trace/);
  t.regex(progress, new RegExp(`\\d/${STRATEGIES.length} done; (.*; )?tlsf: smallest pool`));
  t.true(progress.endsWith('\r\x1b[2K'), 'the line is erased');
  t.notRegex(out, /\x1b/);
  progress = '';
  t.is(await main(['--trace', trace, '--quiet'], io), 0);
  t.is(progress, '');
  // Off a terminal (a pipe, a CI log): whole lines, no cursor movement; here one per replay or so.
  const logged = { ...io, progress: { write: (s: string) => (progress += s), isTTY: false }, progressEveryMs: 0 };
  t.is(await main(['--trace', trace], logged), 0);
  const n = STRATEGIES.length;
  t.regex(progress, new RegExp(`^mcalloc tune: p\\.trace, \\d+ operations: 0/${n} done; ${STRATEGIES[0]}: `, 'm'));
  t.regex(progress, new RegExp(`^mcalloc tune: p\\.trace, \\d+ operations: ${n - 1}/${n} done; ${STRATEGIES[n - 1]}: `, 'm'));
  t.notRegex(progress, /[\r\x1b]/);
  t.true(progress.endsWith('\n'));
  progress = '';
  t.is(await main(['--trace', trace, '--quiet'], logged), 0);
  t.is(progress, '', '--quiet off a terminal too');
});

test('--strategy tunes a subset, in the usual order; --version prints the version', async (t) => {
  const trace = file('s.trace', recorded(13, 150).text);
  const r = await run(['--trace', trace, '--strategy', 'tlsf,first-fit', '--json']);
  t.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  t.deepEqual(doc.strategies.map((s: { strategy: string }) => s.strategy), ['first-fit', 'tlsf']);
  t.true(['first-fit', 'tlsf'].includes(doc.recommended.strategy));
  const full = JSON.parse((await run(['--trace', trace, '--json'])).out);
  for (const s of doc.strategies) t.deepEqual(s, full.strategies.find((f: { strategy: string }) => f.strategy === s.strategy));
  const v = await run(['--version']);
  t.deepEqual(v, { code: 0, out: `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`, err: '' });
});

test('--json: the table, the bounds and the recommendation as one document; --flag=value works', async (t) => {
  const r = await run(['--trace=' + file('j.trace', recorded(8, 150).text), '--json', '--headroom=0.2', '--target=esp32']);
  t.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  t.is(doc.headroom, 0.2);
  t.is(doc.target.name, 'esp32');
  t.deepEqual(doc.strategies.map((s: { strategy: string }) => s.strategy), [...STRATEGIES]);
  const ops = parseTrace(readFileSync(join(dir, 'j.trace'), 'utf8'));
  for (const s of doc.strategies) {
    t.true(completes(ops, { strategy: s.strategy, poolSize: s.smallestPool }), s.strategy);
    t.is(typeof s.worstOp, 'number');
    t.true(s.anyTrace.pool >= s.smallestPool);
    t.is(s.failuresAtCurrent, 0);
  }
  const rec = doc.strategies.find((s: { strategy: string }) => s.strategy === doc.recommended.strategy);
  t.is(doc.recommended.poolSize, rec.withHeadroom);
  t.deepEqual(doc.forTarget, { strategy: 'tlsf', poolSize: doc.strategies[4].withHeadroom });
  t.is(doc.wrote, null);
});

test('--report draws an SVG (one timeline per strategy, at most ~500 points) or an HTML page', async (t) => {
  const trace = file('rep.trace', recorded(9, 200).text);
  const svg = join(dir, 'r.svg');
  t.is((await run(['--trace', trace, '--report', svg])).code, 0);
  const s = readFileSync(svg, 'utf8');
  t.true(s.startsWith('<svg'));
  const lines = s.match(/<polyline points="[^"]*"/g) ?? [];
  t.is(lines.length, STRATEGIES.length);
  for (const l of lines) t.true(l.split(' ').length <= 501);
  const html = join(dir, 'r.html');
  t.is((await run(['--trace', trace, '--report', html])).code, 0);
  t.regex(readFileSync(html, 'utf8'), /^<!doctype html>[\s\S]*<svg[\s\S]*<pre>trace rep\.trace/);
});

const BAD: [string, string[] | string | Buffer, RegExp][] = [
  ['a missing file', ['--trace', join(dir, 'nope.trace')], /cannot read trace .*nope\.trace: no such file/],
  ['a malformed line', 'a 1 16\nx 2\n', /bad\.trace: line 2: not a trace line: "x 2"/],
  ['an allocation without a size', 'a 1\n', /bad\.trace: line 1: 'a' needs an ID and a SIZE/],
  ['a free of an unknown id', 'a 1 16\nf 1\nf 7\n', /bad\.trace: line 3: free of unknown id 7/],
  ['an id allocated twice', 'a 1 16\na 1 8\n', /bad\.trace: line 2: id 1 allocated twice/],
  ['a trace without allocations', '# nothing\n', /no allocations in the trace/],
  ['no --trace', [], /--trace FILE \(or --log FILE for a device log\) is required/],
  ['--trace and --log', ['--trace', 'x', '--log', 'y'], /give --trace FILE or --log FILE, not both/],
  ['--log without its file', ['--trace', 'x', '--log'], /--log needs a value/],
  ['a double free', 'a 1 16\nf 1\nf 1\n', /bad\.trace: line 3: double free of id 1 \(freed on line 2\)$/m],
  ['a binary file', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0x1b, 0x5b, 0x32, 0x4a, ...Array.from({ length: 2000 }, (_, i) => (i * 37) % 256)]), /bad\.trace: line 1: not a trace line: "\\x7fELF\\x02\\x01\\x01\\x00\\x1b\[2J.*"\.\.\. \(a binary file\?\)$/m],
  ['a missing --targets directory', ['GOOD', '--targets', '/nonexistent'], /--targets \/nonexistent: no such directory/],
  ['an unknown strategy', ['GOOD', '--strategy', 'tlsf,best-fti'], new RegExp(`--strategy: unknown strategy "best-fti" \\(did you mean best-fit\\?\\); strategies: ${STRATEGIES.join(', ')}`)],
  ['--write without its own strategy', ['GOOD', '--target', 'esp32', '--strategy', 'best-fit', '--write'], /--write sizes the pool for the target's own strategy, tlsf: add it to --strategy/],
  ['an unknown option', ['--trace', 'x', '--fast'], /unknown option --fast/],
  ['a misspelt option', ['--trace', 'x', '--hedroom', '1'], /unknown option --hedroom \(did you mean --headroom\?\)/],
  ['an option without its value', ['--trace'], /--trace needs a value/],
  ['an option given twice', ['--trace', 'x', '--trace', 'y'], /--trace given twice/],
  ['an empty value', ['--trace='], /--trace needs a value/],
  ['a report into a missing directory', ['GOOD', '--report', '/nonexistent/r.svg'], /cannot write report \/nonexistent\/r\.svg: no directory \/nonexistent/],
  ['--write without a target', ['GOOD', '--write'], /--write needs --target NAME/],
  ['a pool over the limit', 'a 1 800000000\na 2 800000000\na 3 800000000\n', /bad\.trace: the trace needs a pool of at least \d+ bytes .*over the limit of 2147483640 bytes/],
  ['a bad --headroom', ['--trace', 'x', '--headroom', 'lots'], /--headroom must be a number/],
  ['a report that is neither .svg nor .html', ['--trace', 'x', '--report', 'r.png'], /--report must name a \.svg or \.html file/],
  ['an unknown target', ['GOOD', '--target', 'esp99'], /unknown target "esp99".*known: .*esp32/],
];

for (const [what, input, message] of BAD) {
  test(`bad input: ${what} gives exit code 2 and a clear message`, async (t) => {
    const argv = typeof input === 'string' || Buffer.isBuffer(input) ? ['--trace', file('bad.trace', input)] : input[0] === 'GOOD' ? ['--trace', file('good.trace', 'a 1 8\n'), ...input.slice(1)] : input;
    const r = await run(argv);
    t.is(r.code, 2);
    t.regex(r.err, message);
    t.regex(r.err, /^mcalloc tune: [^\n]+\n$/, 'one line');
    t.regex(r.err, /^[\x20-\x7e]{1,300}\n$/, 'short, printable');
    t.is(r.out, '');
  });
}
