/**
 * The package as a user gets it: `npm pack`, then `npm install --omit=dev ./mcalloc-*.tgz` into an
 * empty project, offline (the package has no dependencies, so nothing is fetched). There the library
 * imports with its types, `npx mcalloc` runs sim and tune from dist/ (no tsx, no dev dependency), and
 * every path of manifest.json resolves inside node_modules/mcalloc, as mcconfig will resolve it.
 * The tarball is packed from the current build (`npm test` builds first; --ignore-scripts skips prepack).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { scratchDir } from './helpers/scratch.js';

const exec = promisify(execFile);
const root = process.cwd();
const work = scratchDir('mcalloc-pack-', (f) => test.after.always(f));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'mcalloc');
const npm = (args: string[], cwd: string) => exec('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 1 << 24 });
/**
 * The installed command, run as npx starts it: node on node_modules/.bin/mcalloc (the first CLI test
 * runs `npx mcalloc` itself, so the bin is found by npx; the others save npx's start-up, about half a
 * second of CPU each).
 */
const bin = (cwd: string) => (args: string[]) => exec(process.execPath, [join(app, 'node_modules', '.bin', 'mcalloc'), ...args], { cwd, maxBuffer: 1 << 24 });
const mcallocInApp = bin(app);

interface Packed { filename: string; size: number; unpackedSize: number; files: { path: string }[] }
let packed: Packed;
let installWarnings = '';

test.before(async () => {
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  packed = (JSON.parse(stdout) as Packed[])[0];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  // At npm's default log level: what a user sees.
  const install = await exec('npm', ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], { cwd: app, maxBuffer: 1 << 24 });
  installWarnings = install.stderr;
});

test('the install asks for no install-script approval (the package has no install or prepare script)', (t) => {
  t.notRegex(installWarnings, /install-scripts|allowScripts/, installWarnings);
  const scripts = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).scripts ?? {};
  for (const name of ['preinstall', 'install', 'postinstall', 'prepare']) t.is(scripts[name], undefined, name);
});

test('the tarball holds the library, the CLI, the device bundles, the Moddable glue; no sources or tests', (t) => {
  const files = packed.files.map((f) => f.path);
  t.log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${files.length} files`);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'manifest.json', 'bin/mcalloc.mjs', 'dist/cli/mcalloc.js', 'dist/cli/tune-worker.js', 'dist/node/index.js', 'dist/node/index.d.ts',
    'dist/targets/esp32/mcalloc.js', 'dist/targets/esp8266/mcalloc.js', 'targets/esp32.json', 'targets/moddable/mcalloc-device.js',
    'targets/moddable/mcalloc-irq.js', 'targets/moddable/mcu/mcalloc_irq.c', 'targets/moddable/host/mcalloc_irq.c', 'targets/moddable/mcalloc_irq_nest.h', 'docs/api.md', 'docs/device.md']) {
    t.true(files.includes(f), f);
  }
  for (const prefix of ['src/', 'sim/', 'test/', 'bench/', 'build/', 'node_modules/', 'dist/tsc/', 'examples/']) {
    t.deepEqual(files.filter((f) => f.startsWith(prefix)), [], prefix);
  }
});

test('installed without dev dependencies: only mcalloc itself in node_modules', (t) => {
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  t.is(pkg.dependencies, undefined, 'no run-time dependencies');
  t.deepEqual(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.')), ['mcalloc']);
});

test('import { createAllocator } from "mcalloc" runs, and type-checks against the shipped .d.ts', async (t) => {
  const code = `import { createAllocator, AllocatorError } from 'mcalloc';
const heap = createAllocator({ poolSize: 4096, strategy: 'tlsf', lock: 'none' });
const p: number = heap.allocate(100);
heap.free(p);
try { heap.free(p); } catch (e) { if (e instanceof AllocatorError) console.log(e.code); }
console.log(heap.stats().usedBlocks);
`;
  writeFileSync(join(app, 'main.ts'), code);
  writeFileSync(join(app, 'main.mjs'), code.replace(': number', ''));
  const run = await exec(process.execPath, ['main.mjs'], { cwd: app });
  t.is(run.stdout, 'DOUBLE_FREE\n0\n');
  // One compiler run (it takes seconds): main.ts must check clean, bad.ts must fail, and only there.
  writeFileSync(join(app, 'bad.ts'), `import { createAllocator } from 'mcalloc';\ncreateAllocator({ strategy: 'fastest' });\n`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['main.ts', 'bad.ts'] }));
  const tsc = await t.throwsAsync(exec(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: app }));
  const errors = (tsc as unknown as { stdout: string }).stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  t.is(errors.length, 1, errors.join('\n'));
  t.regex(errors[0], /^bad\.ts\(2,\d+\): .*'"fastest"' is not assignable/, 'the types reject a wrong strategy, and nothing else');
});

test('npx mcalloc --version, --help, sim and tune run from the compiled CLI', async (t) => {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  t.is((await exec('npx', ['mcalloc', '--version'], { cwd: app })).stdout, `${version}\n`);
  t.regex((await mcallocInApp(['--help'])).stdout, /^usage: mcalloc <command>/);
  const sim = await mcallocInApp(['sim', '--ops', '3000', '--record', 'run.trace']);
  t.regex(sim.stdout, /^verdict +PASS/m);
  t.regex(readFileSync(join(app, 'run.trace'), 'utf8'), /^# mcalloc sim: target sim, /);
  // The trace's header names the target sim: found among the shipped targets (the app has no ./targets).
  const tune = await mcallocInApp(['tune', '--trace', 'run.trace', '--json']);
  const doc = JSON.parse(tune.stdout);
  t.is(doc.target.name, 'sim');
  t.true(doc.target.shipped);
  t.true(doc.recommended.poolSize > 0);
  t.false(existsSync(join(installed, 'node_modules')), 'nothing was installed for the CLI');
});

test('the tuning loop in a project of its own: record, tune --write (a copy of the shipped target), sim runs the tuned pool', async (t) => {
  // A directory of its own: the ./targets that --write creates must not be seen by the other tests.
  const project = join(app, 'loop');
  mkdirSync(project);
  const mcalloc = bin(project);
  t.regex((await mcalloc(['sim', '--ops', '20000', '--record', 'app.trace'])).stdout, /^verdict +PASS/m);
  const tune = await mcalloc(['tune', '--trace', 'app.trace', '--target', 'sim', '--write']);
  t.regex(tune.stdout, /^copied .*node_modules\/mcalloc\/targets\/sim\.json \(shipped with mcalloc\) to targets\/sim\.json, /m);
  const size = Number(/^wrote targets\/sim\.json: poolSize 65536 -> (\d+) /m.exec(tune.stdout)?.[1]);
  t.true(size > 0 && size < 65536, tune.stdout);
  t.is(JSON.parse(readFileSync(join(project, 'targets', 'sim.json'), 'utf8')).poolSize, size);
  t.is(JSON.parse(readFileSync(join(installed, 'targets', 'sim.json'), 'utf8')).poolSize, 65536, 'the shipped target is untouched');
  t.regex((await mcalloc(['targets'])).stdout, new RegExp(`^sim +tlsf +${size} +interrupt +yours: targets/sim\\.json \\(used instead of the shipped one\\)$`, 'm'));
  // exec rejects on a non-zero exit code: this run ends with 0.
  const sim = await mcalloc(['sim', '--target', 'sim', '--ops', '20000']);
  t.regex(sim.stdout, new RegExp(`^mcalloc sim: target sim from targets/sim\\.json \\(tlsf, lock interrupt, ${(size / 1024).toFixed(1)} KiB pool\\)`, 'm'));
  t.regex(sim.stdout, new RegExp(`^peak use +[\\d,]+ of ${size.toLocaleString('en-US')} bytes`, 'm'));
  t.regex(sim.stdout, /^verdict +PASS/m);
});

test('a Moddable app can include node_modules/mcalloc/manifest.json: every module path resolves', (t) => {
  const manifest = JSON.parse(readFileSync(join(installed, 'manifest.json'), 'utf8'));
  const paths: string[] = [];
  for (const section of [manifest, ...Object.values(manifest.platforms) as { modules?: Record<string, string> }[]]) {
    for (const p of Object.values(section.modules ?? {})) paths.push(...[p as string | string[]].flat());
  }
  t.true(paths.length >= 8);
  for (const p of paths) {
    t.true(['.js', '.c'].some((ext) => existsSync(join(installed, p + ext))), p);
  }
});
