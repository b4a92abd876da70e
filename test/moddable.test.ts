/**
 * What can be checked of the Moddable side without the Moddable SDK (no mcconfig here):
 *  - manifest.json: every platform resolves every module path (Moddable paths carry no extension) to
 *    files that exist after `npm run build`, preloads only modules it defines, and errors elsewhere;
 *  - the host functions declared in mcalloc-irq.js are exactly those the C files define;
 *  - in the real XS engine, with a stub in place of the native mask: loading the bundle and the device
 *    wrapper creates no buffer (the pool is made at run time, never at preload), the wrapper hands the
 *    native mask to the interrupt lock, and examples/hello/main.js runs and traces its stats;
 *  - the device JavaScript type-checks against the API and @moddable/typings (tsc -p targets/moddable).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'acorn';
import { loadTargets } from '../build/targets.mjs';
import { closeXSHost, openXS } from '../bench/xs.js';

test.after.always(() => closeXSHost());

interface Section { modules?: Record<string, string | string[]>; preload?: string[]; error?: string; defines?: { mcalloc?: { pool_size?: number } } }
interface Manifest extends Section { platforms: Record<string, Section> }

const MANIFEST = 'manifest.json';
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
const PLATFORMS = ['esp32', 'esp', 'zephyr', 'lin', 'mac', 'win', 'x-cli-lin'];
/** Extensions mcconfig matches in `modules`. */
const MODULE_EXTENSIONS = ['.js', '.c', '.cc', '.cpp', '.h', '.m'];
const targets = loadTargets('targets');

/** The modules of one platform: the common ones plus its own (mcconfig concatenates them). */
function modulesOf(platform: string): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const section of [manifest, manifest.platforms[platform]]) {
    for (const [name, paths] of Object.entries(section.modules ?? {})) merged.set(name, [...(merged.get(name) ?? []), ...[paths].flat()]);
  }
  return merged;
}

const filesOf = (path: string, base = '.') => MODULE_EXTENSIONS.map((ext) => resolve(base, path + ext)).filter(existsSync);
const bundleTarget = (platform: string) => /^\.\/dist\/targets\/([^/]+)\/mcalloc$/.exec(modulesOf(platform).get('mcalloc/bundle')?.[0] ?? '')?.[1];

test('manifest.json: modules, preload and one section per platform, an error elsewhere', (t) => {
  t.truthy(manifest.modules?.mcalloc, 'the module apps import is "mcalloc"');
  t.deepEqual(Object.keys(manifest.platforms).sort(), [...PLATFORMS, '...'].sort());
  t.regex(manifest.platforms['...'].error ?? '', /mcalloc/);
});

for (const platform of PLATFORMS) {
  test(`manifest.json, ${platform}: every module path names existing files, preloads are defined`, (t) => {
    const modules = modulesOf(platform);
    for (const [name, paths] of modules) {
      for (const path of paths) {
        t.false(MODULE_EXTENSIONS.some((ext) => path.endsWith(ext)), `${name}: Moddable module paths have no extension (${path})`);
        t.true(path.startsWith('./'), `${name}: relative to the manifest, so an app can include it from anywhere (${path})`);
        t.true(filesOf(path).length > 0, `${platform}: ${name} -> ${path}.{js,c,...} does not exist (run \`npm run build\`?)`);
      }
    }
    const target = targets.find((x) => x.name === bundleTarget(platform));
    t.truthy(target, `${platform}: mcalloc/bundle must be a built target bundle`);
    t.is(target?.lock, 'none', `${platform}: one VM, whose interrupts only post messages: nothing to lock (README, Locks)`);
    t.true((modules.get('*') ?? []).some((p) => filesOf(p).some((f) => f.endsWith('mcalloc_irq.c'))), `${platform}: the native half of the lock`);
    for (const name of [...(manifest.preload ?? []), ...(manifest.platforms[platform].preload ?? [])]) {
      t.true(modules.has(name), `${platform}: preload names a module the manifest does not define: ${name}`);
    }
  });
}

test('the host functions of mcalloc-irq.js and mcalloc-pool.js are exactly those the C files of each platform define', (t) => {
  const declared = ['mcalloc-irq.js', 'mcalloc-pool.js'].flatMap((f) => [...readFileSync(join('targets', 'moddable', f), 'utf8').matchAll(/^export function \w+\([^)]*\)\s*@\s*"(\w+)"/gm)].map((m) => m[1])).sort();
  t.true(declared.length >= 3);
  for (const platform of PLATFORMS) {
    const cFiles = (modulesOf(platform).get('*') ?? []).flatMap((path) => filesOf(path)).filter((f) => f.endsWith('.c'));
    t.true(cFiles.length >= 2, `${platform}: the interrupt mask and the static pool`);
    const defined = cFiles.flatMap((file) => {
      // The definitions may sit in a header the file includes by a relative path (mcalloc_irq_nest.h).
      const text = readFileSync(file, 'utf8');
      const included = [...text.matchAll(/^#include "(\.[^"]+)"/gm)].map((m) => readFileSync(resolve(dirname(file), m[1]), 'utf8'));
      return [text, ...included].flatMap((c) => [...c.matchAll(/^void\s+(xs_\w+)\s*\(\s*xsMachine\s*\*\s*the\s*\)/gm)].map((m) => m[1]));
    }).sort();
    t.deepEqual(defined, declared, platform);
  }
});

test('the static pool of each platform is the size of its target bundle (defines.mcalloc.pool_size)', (t) => {
  for (const platform of PLATFORMS) {
    const size = manifest.platforms[platform].defines?.mcalloc?.pool_size ?? manifest.defines?.mcalloc?.pool_size;
    t.is(size, targets.find((x) => x.name === bundleTarget(platform))?.poolSize, platform);
  }
});

test('examples/hello includes the top-level manifest and imports only "mcalloc"', (t) => {
  const example = JSON.parse(readFileSync('examples/hello/manifest.json', 'utf8')) as { include: string[]; modules: Record<string, string> };
  const ours = example.include.filter((p) => !p.startsWith('$(MODDABLE)')).map((p) => resolve('examples/hello', p));
  t.deepEqual(ours, [resolve(MANIFEST)]);
  t.true(filesOf(example.modules['*'], 'examples/hello').length > 0);
  const program = parse(readFileSync('examples/hello/main.js', 'utf8'), { ecmaVersion: 2018, sourceType: 'module' }) as unknown as { body: { type: string; source?: { value: string } }[] };
  t.deepEqual(program.body.filter((s) => s.type === 'ImportDeclaration').map((s) => s.source!.value), ['mcalloc']);
});

/**
 * Makes an ES module loadable by the XS harness (whose load() takes self-contained modules and makes
 * each one a global, see esmToScript): each import becomes a read of the global standing for its module.
 */
function linkForXS(source: string, imports: Record<string, string>): string {
  const program = parse(source, { ecmaVersion: 2018, sourceType: 'module' }) as unknown as { body: Record<string, any>[] };
  let out = source;
  for (const node of [...program.body].reverse()) {
    if (node.type !== 'ImportDeclaration') continue;
    const from = imports[node.source.value];
    if (from === undefined) throw new Error(`linkForXS: no global for ${node.source.value}`);
    const parts = node.specifiers.map((s: Record<string, any>) =>
      s.type === 'ImportNamespaceSpecifier' ? `const ${s.local.name} = globalThis.${from};`
        : s.type === 'ImportDefaultSpecifier' ? `const ${s.local.name} = globalThis.${from}.default;`
          : `const ${s.local.name} = globalThis.${from}.${s.imported.name};`);
    out = out.slice(0, node.start) + parts.join(' ') + out.slice(node.end);
  }
  return out;
}

/**
 * The stub native mask: the depth discipline of mcalloc_irq.c, with counters; and the static pool, which
 * XS on a device hands over as a host buffer (an ArrayBuffer here: xsnap has no host buffers).
 */
const stubs = (poolSize: number) => `globalThis.mcallocPool = { staticPool: () => globalThis.staticMemory || (globalThis.staticMemory = new ArrayBuffer(${poolSize})) };
globalThis.mcallocIrq = (() => {
  const irq = { depth: 0, disables: 0, restores: 0, maxDepth: 0 };
  irq.irqDisable = () => { irq.disables++; irq.maxDepth = Math.max(irq.maxDepth, irq.depth + 1); return irq.depth++; };
  irq.irqRestore = (state) => { if (state !== irq.depth - 1) { irq.depth = 0; throw new Error('restored out of order'); } irq.restores++; irq.depth = state; };
  return irq;
})();
// Counts the buffers (and the views that make their own) created until restoreBuffers().
globalThis.buffersMade = 0;
const real = {};
for (const name of ['ArrayBuffer', 'SharedArrayBuffer', 'Int32Array', 'Uint32Array', 'Uint8Array']) {
  if (typeof globalThis[name] !== 'function') continue;
  real[name] = globalThis[name];
  globalThis[name] = new Proxy(real[name], { construct(t, a, n) { globalThis.buffersMade++; return Reflect.construct(t, a, n); } });
}
globalThis.restoreBuffers = () => { Object.assign(globalThis, real); return globalThis.buffersMade; };`;

const WRAPPER = readFileSync('targets/moddable/mcalloc-device.js', 'utf8');

// The platforms' bundles (lock 'none': the native mask is never called), and the sim bundle, the one with
// the interrupt lock, for what the wrapper does for a bundle that masks.
for (const name of [bundleTarget('esp32')!, bundleTarget('esp')!, 'sim']) {
  const target = targets.find((x) => x.name === name)!;
  const masks = target.lock === 'interrupt';
  test(`XS, ${name} bundle: the device module creates nothing at load and ${masks ? 'gives the interrupt lock the native mask' : 'never masks interrupts'}`, async (t) => {
    const xs = await openXS();
    try {
      await xs.evaluate(stubs(target.poolSize));
      await xs.load(readFileSync(join('dist', 'targets', target.name, 'mcalloc.js'), 'utf8'), 'mcallocBundle');
      await xs.load(linkForXS(WRAPPER, { 'mcalloc/bundle': 'mcallocBundle', 'mcalloc/irq': 'mcallocIrq', 'mcalloc/pool': 'mcallocPool' }));
      const { result } = await xs.run<Record<string, unknown>>(`
        const made = globalThis.restoreBuffers();
        const irq = globalThis.mcallocIrq;
        const heap = mcalloc.createAllocator({ poolSize: 4096 });
        const p = heap.allocate(100);
        heap.free(p);
        const native = { disables: irq.disables, restores: irq.restores, depth: irq.depth, maxDepth: irq.maxDepth };
        let own = 0;
        const other = mcalloc.createAllocator({ poolSize: 4096, interrupts: { disable() { own++; return 0; }, restore() {} } });
        other.free(other.allocate(8));
        const before = irq.disables;
        const facade = mcalloc.initAllocator();
        mcalloc.freeMemory(mcalloc.allocateMemory(64));
        let refused = '';
        try { mcalloc.createAllocator({ poolSize: 4096, lock: '${masks ? 'none' : 'interrupt'}' }); } catch (e) { refused = e.code; }
        return { made, native, own, otherUsedNative: before !== native.disables, facadeMasks: irq.disables - before,
          facadePool: facade.poolSize, lock: heap.lock, refused, frozenMask: Object.isFrozen(mcalloc.nativeMask) };
      `);
      t.is(result.made, 0, 'no buffer is created while the modules load (they can be preloaded)');
      const native = result.native as Record<string, number>;
      t.is(result.facadePool, target.poolSize, 'the default pool has the target size');
      t.is(result.lock, target.lock);
      if (masks) {
        t.true(native.disables >= 2, 'allocate and free each masked interrupts through the native mask');
        t.is(native.restores, native.disables);
        t.is(native.depth, 0, 'every disable was restored');
        t.true((result.own as number) >= 2, 'an explicit interrupts option wins');
        t.false(result.otherUsedNative as boolean);
        t.true((result.facadeMasks as number) >= 2, 'initAllocator() gets the native mask too');
      } else {
        t.is(native.disables + (result.own as number) + (result.facadeMasks as number), 0, 'lock none: no call ever masks interrupts');
      }
      t.is(result.refused, 'INVALID_OPTIONS', 'the bundle still refuses a lock it was not built with');
      t.true(result.frozenMask as boolean);
    } finally {
      await xs.close();
    }
  });
}

test('XS: examples/hello/main.js runs on the esp32 bundle and traces its stats', async (t) => {
  const xs = await openXS();
  try {
    await xs.evaluate(`${stubs(65536)}\nrestoreBuffers(); globalThis.lines = []; globalThis.trace = (s) => { globalThis.lines.push(String(s)); };`);
    await xs.load(readFileSync(join('dist', 'targets', bundleTarget('esp32')!, 'mcalloc.js'), 'utf8'), 'mcallocBundle');
    await xs.load(linkForXS(WRAPPER, { 'mcalloc/bundle': 'mcallocBundle', 'mcalloc/irq': 'mcallocIrq', 'mcalloc/pool': 'mcallocPool' }));
    await xs.load(linkForXS(readFileSync('examples/hello/main.js', 'utf8'), { mcalloc: 'mcalloc' }), 'hello');
    const { result: lines } = await xs.run<string[]>('return globalThis.lines;');
    t.log(lines.join('').trimEnd());
    t.true(lines.every((l) => l.endsWith('\n')), 'trace lines end with a newline, as on the device');
    t.regex(lines[0], /tlsf strategy, none lock, 65536-byte pool/);
    t.true(lines.some((l) => l.includes('"hello, mcalloc"')), 'the text survived reallocate');
    t.regex(lines[lines.length - 1], /after freeing everything: 0 blocks, 0 of \d+ bytes used, 1 free blocks/);
  } finally {
    await xs.close();
  }
});

test('the device JavaScript type-checks (tsc -p targets/moddable, with @moddable/typings)', async (t) => {
  const tsc = resolve('node_modules', 'typescript', 'bin', 'tsc');
  const run = await promisify(execFile)(process.execPath, [tsc, '-p', 'targets/moddable'], { encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
  t.is(run.code, 0, `tsc -p targets/moddable:\n${run.output}`);
});

test('examples/hello-ts type-checks against mcalloc-device.d.ts and @moddable/typings (tsc -p examples/hello-ts)', async (t) => {
  const tsc = resolve('node_modules', 'typescript', 'bin', 'tsc');
  const run = await promisify(execFile)(process.execPath, [tsc, '-p', 'examples/hello-ts'], { encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
  t.is(run.code, 0, `tsc -p examples/hello-ts:\n${run.output}`);
});

/** What a device test runner prints, run with MODDABLE unset and then `more` in its environment. */
async function runnerSays(script: string, more: NodeJS.ProcessEnv = {}): Promise<string> {
  const env = { ...process.env };
  delete env.MODDABLE;
  return (await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { env: { ...env, ...more }, encoding: 'utf8' })).stdout;
}

test('npm run test:moddable without an SDK: one line saying it skipped and why, exit 0', async (t) => {
  t.is(await runnerSays('test/moddable/run.ts'), 'test:moddable skipped: MODDABLE is not set (point it at a Moddable SDK whose Linux host tools are built)\n');
  const empty = { stdout: await runnerSays('test/moddable/run.ts', { MODDABLE: resolve('test') }) };
  t.regex(empty.stdout, /^test:moddable skipped: MODDABLE=\S+ has no built host tools \(\S+mcconfig is missing: [^\n]*\)\n$/);
});

test('npm run test:mcu without its tools: one line saying which is missing, exit 0', async (t) => {
  t.is(await runnerSays('test/mcu/run.ts'), 'test:mcu skipped: MODDABLE is not set (point it at a Moddable SDK whose Linux host tools are built)\n');
  // An SDK with its host tools and Zephyr platform in place, and a PATH without the Arm toolchain.
  const sdk = mkdtempSync(join(tmpdir(), 'mcalloc-fake-sdk-'));
  try {
    const bin = join(sdk, 'build', 'bin', 'lin', 'release');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['mcconfig', 'xsc', 'xsl', 'xsid', 'mcrez', 'mcdevicetree']) writeFileSync(join(bin, tool), '');
    mkdirSync(join(sdk, 'build', 'devices', 'zephyr', 'config'), { recursive: true });
    writeFileSync(join(sdk, 'build', 'devices', 'zephyr', 'config', 'CMakeLists.txt.prefix'), '');
    // A PATH of one empty directory: this machine may well have the Arm tools in /usr/bin.
    const empty = join(sdk, 'empty');
    mkdirSync(empty);
    t.is(await runnerSays('test/mcu/run.ts', { MODDABLE: sdk, PATH: empty }), 'test:mcu skipped: arm-none-eabi-gcc is not on PATH (Debian package gcc-arm-none-eabi)\n');
  } finally {
    rmSync(sdk, { recursive: true, force: true });
  }
});
