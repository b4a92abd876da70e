/**
 * Where XS compute goes in one allocate+free pair, layer by layer:
 *   npm run profile [-- target] [--src DIR] [--write]
 * target: default esp32 (the bundle as the target ships it); --src: a modified copy of src/ to compare;
 * --write: also rewrite the generated table of docs/profile.md (only for the default target and src/).
 *
 * Not part of `npm run bench`: a diagnostic for the goals. It bundles src/ for the target exactly as the
 * device build does (same constants, ES2018, terser) but exports the inner layers too, then meters each
 * layer in XS on its own: the public methods, the lock, pointer validation, the core, and the strategy's
 * find/insert/remove of the generic path. Each figure is per call, the cost of an empty loop of the same
 * length subtracted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeXSHost, openXS } from './xs.js';
import { bundleSources } from './src-bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const write = argv.includes('--write');
if (write) argv.splice(argv.indexOf('--write'), 1);
const srcAt = argv.indexOf('--src');
const SRC = srcAt >= 0 ? `${resolve(argv[srcAt + 1])}/` : `${ROOT}src/`;
if (srcAt >= 0) argv.splice(srcAt, 2);
const N = 2000;

/** Each probe: set-up (not metered), then a loop body run N times (metered). */
const PROBES: [string, string, string][] = [
  ['empty loop (subtracted from all)', '', ''],
  ['public allocate + free (buckets)', '', 'H.free(H.allocate(S));'],
  ['public allocate + free (the top)', 'const T = P.createAllocator({ poolSize: 1 << 16 });', 'T.free(T.allocate(S));'],
  ['public allocate (split of a larger block)', 'const ps = [];', 'ps.push(H.allocate(S));'],
  ['public reallocate, grow then shrink in place', 'let p = H.allocate(S);', 'p = H.reallocate(p, 2 * S); p = H.reallocate(p, S);'],
  ['validatePointer (the generic path)', 'const p = H.allocate(S);', 'P.validatePointer(Pool, p, "free");'],
  ['lock object enter + leave (not called with lock none)', '', 'L.leave(L.enter());'],
  ['generic path: strategy find', 'const need = P.blockNeed(Pool, S);', 'Pool.s.find(Pool, need);'],
  ['generic path: strategy remove + insert', 'const b = Pool.s.find(Pool, 112); const sz = Pool.m[(b >> 2) + 1];', 'Pool.s.remove(Pool, b, sz); Pool.s.insert(Pool, b, sz);'],
  ['array push (subtract from the rows that push)', 'const ps = [];', 'ps.push(S);'],
  ['call overhead: an empty 2-argument export', '', 'P.nop(Pool, 112);'],
];

const targetName = argv[0] ?? 'esp32';
const source = await bundleSources(SRC, targetName, [
  `export { createAllocator } from './index.js';`,
  `export { blockNeed } from './core.js';`,
  `export { validatePointer } from './diagnostics.js';`,
  `export function nop(a, b) { return a === b; }`,
]);
const s = await openXS();
try {
  await s.load(source, 'P');
  const rows: [string, number | null][] = [];
  let empty = 0;
  for (const [name, setup, body] of PROBES) {
    // The generic path's strategy methods exist only in bundles that can take it (debug or trace):
    // build.ts BUILD_GENERIC_TLSF. Elsewhere the row says so instead of failing the run.
    if (`${setup}${body}`.includes('Pool.s.find')) {
      const hasFind = await s.run(`if (typeof P.createAllocator({ poolSize: 4096 }).P.s.find !== 'function') throw 0;`).then(() => true, () => false);
      if (!hasFind) {
        rows.push([name, null]);
        continue;
      }
    }
    // A pool with some history: 40 blocks of mixed sizes, every other one freed.
    await s.run(`
      const H = P.createAllocator({ poolSize: 1 << 20 });
      const keep = [];
      for (let i = 0; i < 40; i++) keep.push(H.allocate(16 + ((i * 37) % 200)));
      for (let i = 0; i < 40; i += 2) H.free(keep[i]);
      globalThis.H = H; globalThis.Pool = H.P; globalThis.L = H.L; globalThis.S = 100;
      globalThis.run = function () { ${setup} for (let i = 0; i < ${N}; i++) { ${body} } };`);
    const r = await s.run(`run();`);
    if (name.startsWith('empty')) empty = r.compute;
    rows.push([name, (r.compute - empty) / N]);
  }
  console.log(`XS compute per call, ${targetName}, ${SRC} (${N} calls each, 100-byte requests, empty loop subtracted)`);
  const shown = (v: number | null, digits: number) => (v === null ? 'not in this bundle' : v.toFixed(digits));
  for (const [name, v] of rows) console.log(`${name.padEnd(36)} ${shown(v, 1).padStart(8)}`);
  if (write) {
    if (srcAt >= 0 || targetName !== 'esp32') throw new Error('--write records the esp32 bundle of src/ only');
    const table = ['| layer (one call) | XS compute |', '| --- | ---: |', ...rows.slice(1).map(([name, v]) => `| ${name} | ${shown(v, 0)} |`)].join('\n');
    const page = join(ROOT, 'docs', 'profile.md');
    const text = readFileSync(page, 'utf8');
    const begin = '<!-- generated:profile -->';
    const end = '<!-- /generated:profile -->';
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${page}: markers ${begin} ... ${end} not found`);
    writeFileSync(page, `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`);
    console.log(`wrote ${page}`);
  }
} finally {
  await s.close();
  closeXSHost();
}
