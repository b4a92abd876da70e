/**
 * test:moddable: mcalloc built and run by the real Moddable SDK (the one MODDABLE names; run.ts skips
 * this file without one). Every build goes to a temporary directory.
 *
 *  - examples/hello and examples/hello-ts build for the desktop simulator (mcconfig -m -p lin -t build)
 *    with no warning at all: xsl warns about anything a preloaded module leaves writable;
 *  - a headless x-cli-lin app (app.ts) preloads the bundle of every target, runs the parity workload of
 *    test/xs-parity on each and must return Node's offsets hash and pool hash, and times each call;
 *  - the xsc bytecode size of every bundle, the timings and the SDK version go to dist/moddable/sdk.json
 *    for `npm run device-doc`.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadTargets } from '../../build/targets.mjs';
import { CLI_APP, LOG_OPS, TIMED_CALLS, writeCliApp } from './app.js';
import { assertParity, assertRam, assertStaticPool, assertSweep, MAX_SLOTS, RAM_OPS, type CheckLine } from '../helpers/device-checks.js';
import { findSdk, mcconfig, modulesDir, ROOT, type Build, type Sdk } from './sdk.js';

const found = findSdk();
if (typeof found === 'string') throw new Error(`test:moddable: ${found} (run it through npm run test:moddable)`);
const sdk: Sdk = found;
const targets = loadTargets(join(ROOT, 'targets'), { root: ROOT });
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { platforms: Record<string, { modules?: Record<string, string> }> };
const cliBundle = /dist\/targets\/([^/]+)\/mcalloc$/.exec(manifest.platforms['x-cli-lin']?.modules?.['mcalloc/bundle'] ?? '')?.[1] ?? '';
const report: Record<string, unknown> = { sdk: sdk.version, targets: {} as Record<string, unknown> };
const perTarget = report.targets as Record<string, Record<string, unknown>>;
/** Temporary directories of this run, removed at the end. */
const scratch: string[] = [];

function noWarnings(t: import('ava').ExecutionContext, build: Build, what: string): void {
  scratch.push(build.out);
  t.is(build.code, 0, `${what}: mcconfig failed:\n${build.output.slice(-4000)}`);
  const warnings = build.output.split('\n').filter((l) => /warning/i.test(l));
  t.deepEqual(warnings, [], `${what}: warnings`);
}

test.serial('examples/hello: mcconfig -m -p lin -t build, no warning (xsl, cc)', async (t) => {
  const build = await mcconfig(sdk, join(ROOT, 'examples', 'hello'), 'lin', ['-t', 'build']);
  noWarnings(t, build, 'examples/hello');
  t.true(existsSync(join(modulesDir(build, 'lin', 'hello'), 'mcalloc', 'bundle.xsb')), 'the bundle was compiled by xsc');
  report.helloWarnings = build.warnings.length;
});

test.serial('examples/hello-ts: the TypeScript app compiles with tsc through mcconfig and builds with no warning', async (t) => {
  const build = await mcconfig(sdk, join(ROOT, 'examples', 'hello-ts'), 'lin', ['-t', 'build']);
  noWarnings(t, build, 'examples/hello-ts');
  t.regex(build.output, /^# tsc main\.ts$/m, 'mcconfig compiled main.ts with tsc');
  t.true(existsSync(join(modulesDir(build, 'lin', 'hello-ts'), 'main.xsb')));
});

interface Line extends CheckLine { timing?: Timing }
interface Stats { count: number; mean: number; median: number; p99: number; max: number }
interface Timing { clockNs: number; call: Record<'allocate' | 'free', Stats>; masked: null | ({ emptyNs: number } & Record<'allocate' | 'free', Stats>) }

let cli: { build: Build; lines: Line[]; run: string } | undefined;

test.before(async () => {
  if (cliBundle === '') return;
  const app = writeCliApp(targets, cliBundle);
  const build = await mcconfig(sdk, app.dir, 'x-cli-lin');
  scratch.push(build.out, dirname(app.dir));
  let run = '';
  if (build.code === 0) {
    const binary = join(build.out, 'bin', 'lin', 'release', CLI_APP);
    run = await promisify(execFile)(binary, [], { maxBuffer: 64 << 20 }).then((r) => r.stdout, (e: { stdout?: string; stderr?: string; message: string }) => `${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
  }
  const lines = run.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
  cli = { build, lines, run };
});

test.serial('manifest.json has an x-cli-lin section; the headless app builds and runs to the end', (t) => {
  t.not(cliBundle, '', 'manifest.json: platforms["x-cli-lin"].modules["mcalloc/bundle"] names a target bundle');
  t.is(cli!.build.code, 0, cli!.build.output.slice(-4000));
  t.true(cli!.lines.some((l) => l.kind === 'done'), `the app stopped early:\n${cli!.run.slice(-2000)}`);
});

test.serial('x-cli-lin: xsl leaves nothing writable in any preloaded bundle (every target, sim included)', (t) => {
  report.xslWarnings = cli!.build.warnings;
  t.deepEqual(cli!.build.warnings, []);
});

test.serial('the host C files compile with -Wall -Wextra without a warning (mcalloc_irq.c, the app\'s cli-host.c)', async (t) => {
  const generated = join(modulesDir(cli!.build, 'x-cli-lin', CLI_APP), '..'); // mc.xs.h of the app
  const flags = ['-Wall', '-Wextra', '-fsyntax-only', '-DINCLUDE_XSPLATFORM=1', '-DXSPLATFORM="lin_xs.h"', '-DXS_ARCHIVE=1',
    ...['includes', 'platforms', 'sources'].map((d) => `-I${join(sdk.root, 'xs', d)}`), `-I${generated}`,
    // lin_xs.h includes gio, as the SDK's own x-cli-lin makefile does through pkg-config.
    ...(await promisify(execFile)('pkg-config', ['--cflags', 'gio-2.0'])).stdout.trim().split(/\s+/).filter(Boolean)];
  for (const file of [join(ROOT, 'targets', 'moddable', 'host', 'mcalloc_irq.c'), join(ROOT, 'test', 'moddable', 'cli', 'cli-host.c')]) {
    const r = await promisify(execFile)('cc', [...flags, file]).then((x) => x.stderr, (e: { stderr?: string; message: string }) => e.stderr ?? e.message);
    t.is(r, '', file);
  }
});

for (const target of targets) {
  test.serial(`${target.name}: the xsl-preloaded bundle in SDK-built XS returns Node's offsets and pool`, async (t) => {
    const node = await assertParity(t, cli!.lines, target);
    if (node === undefined) return;
    const bundle = join(ROOT, 'dist', 'targets', target.name, 'mcalloc.js');
    const xsb = join(modulesDir(cli!.build, 'x-cli-lin', CLI_APP), 'mcalloc', target.name === cliBundle ? 'bundle.xsb' : join('targets', `${target.name}.xsb`));
    const sizes = { js: statSync(bundle).size, xsb: statSync(xsb).size };
    perTarget[target.name] = { ...perTarget[target.name], ...sizes, offsetsHash: node.offsetsHash, poolHash: node.poolHash };
    t.log(`offsets ${node.offsetsHash.toString(16)}, pool ${node.poolHash.toString(16)}; xsc ${sizes.xsb} bytes for ${sizes.js} bytes of .js`);
  });
}

for (const target of targets) {
  test.serial(`${target.name}: one allocator takes <= ${MAX_SLOTS} slots and no chunk beside its pool, makes no garbage in ${RAM_OPS} calls, and gives it all back`, (t) => {
    perTarget[target.name] = { ...perTarget[target.name], ram: assertRam(t, cli!.lines, target) };
  });

  test.serial(`${target.name}: every error code arrives as an AllocatorError with Node's code, name and message`, async (t) => {
    await assertSweep(t, cli!.lines, target);
  });
}

test.serial('the static pool: initAllocator() takes C memory, not the XS chunk heap; parity holds on it', async (t) => {
  report.staticPool = await assertStaticPool(t, cli!.lines, targets);
});

test.serial('timing: every call measured on SDK-built XS; the masked span only where the lock masks', (t) => {
  for (const target of targets) {
    const line = cli!.lines.find((l) => l.kind === 'timing' && l.target === target.name);
    t.truthy(line, target.name);
    t.is(line!.error, '', target.name);
    const timing = line!.timing!;
    t.is(timing.call.allocate.count + timing.call.free.count, TIMED_CALLS, target.name);
    for (const s of [timing.call.allocate, timing.call.free]) t.true(Number.isFinite(s.median) && s.median >= 0 && s.max >= s.median, target.name);
    t.is(timing.masked !== null, target.lock === 'interrupt', `${target.name}: masked spans measured only through the interrupt lock's mask`);
    if (timing.masked !== null) {
      t.is(timing.masked.allocate.count, timing.call.allocate.count, `${target.name}: one masked span per allocate`);
      t.is(timing.masked.free.count, timing.call.free.count, `${target.name}: one masked span per free`);
    }
    const us = (ns: number) => Math.round(ns / 10) / 100;
    const call = `call: allocate median ${us(timing.call.allocate.median)} µs (p99 ${us(timing.call.allocate.p99)}), free median ${us(timing.call.free.median)} µs (p99 ${us(timing.call.free.p99)})`;
    const masked = timing.masked === null ? '' : `; masked: allocate median ${us(timing.masked.allocate.median)} µs (p99 ${us(timing.masked.allocate.p99)}, max ${us(timing.masked.allocate.max)}), free median ${us(timing.masked.free.median)} µs (p99 ${us(timing.masked.free.p99)}, max ${us(timing.masked.free.max)})`;
    t.log(`${target.name}: ${call}${masked}`);
    perTarget[target.name] = { ...perTarget[target.name], timing };
  }
});

test.serial('device log -> tune: the trace a debug build prints on the runtime is tuned, written to ./targets and simulated', async (t) => {
  const traced = targets.filter((x) => x.trace);
  t.true(traced.some((x) => x.name === 'esp32-debug'), 'the esp32-debug target traces');
  for (const target of traced) {
    const line = cli!.lines.find((l) => l.kind === 'device-log' && l.target === target.name) as (Line & { ops?: number }) | undefined;
    t.is(line?.error, '', target.name);
    // The log as the console shows it: this run's trace lines between two lines of other output.
    const log = cli!.run.slice(cli!.run.indexOf(`"kind":"device-log-start","target":"${target.name}"`) - 2, cli!.run.indexOf(`"kind":"device-log","target":"${target.name}"`) + 200);
    const calls = log.split('\n').filter((l) => /^[afr] \d+/.test(l)).length;
    t.true(calls >= LOG_OPS, `${target.name}: ${calls} trace lines for ${LOG_OPS} calls (and the frees at the end)`);
    const project = mkdtempSync(join(tmpdir(), 'mcalloc-device-log-'));
    scratch.push(project);
    writeFileSync(join(project, 'device.log'), log);
    const mcalloc = (args: string[]) => promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'mcalloc.mjs'), ...args], { cwd: project, maxBuffer: 16 << 20 });
    const tuned = await mcalloc(['tune', '--log', 'device.log', '--target', target.name, '--write', '--quiet']);
    t.regex(tuned.stdout, new RegExp(`copied .* to targets/${target.name}\\.json`), target.name);
    const written = JSON.parse(readFileSync(join(project, 'targets', `${target.name}.json`), 'utf8')) as { poolSize: number };
    t.regex(tuned.stdout, new RegExp(`wrote targets/${target.name}\\.json: poolSize ${target.poolSize} -> ${written.poolSize}`));
    t.true(written.poolSize >= 1024 && written.poolSize < target.poolSize, `${target.name}: tuned pool ${written.poolSize}`);
    const sim = await mcalloc(['sim', '--target', target.name, '--ops', '20000']);
    t.regex(sim.stdout, /^verdict +PASS/m, sim.stdout.slice(-2000));
    t.regex(sim.stdout, new RegExp(`^mcalloc sim: target ${target.name} from targets/${target.name}\\.json \\(.*, ${(written.poolSize / 1024).toFixed(1)} KiB pool\\)`, 'm'), 'the simulation ran the tuned target');
    t.log(`${target.name}: ${calls} trace lines from SDK-built XS -> tune -> poolSize ${target.poolSize} -> ${written.poolSize} -> sim PASS`);
  }
});

test.after.always(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  const dir = resolve(ROOT, 'dist', 'moddable');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sdk.json'), `${JSON.stringify(report, null, 2)}\n`);
});
