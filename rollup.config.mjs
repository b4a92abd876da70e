/**
 * Two kinds of output from src/index.ts:
 *
 *  - dist/node/index.js (+ .d.ts): the Node library, ESM, not minified, nothing replaced: strategy, lock,
 *    debug... are all chosen at run time from the options (see src/build.ts).
 *  - dist/targets/<name>/mcalloc.js, one per targets/<name>.json: ES2018 ESM for Moddable XS, the
 *    __MCALLOC_*__ globals replaced by the target's values, then minified by terser, which folds
 *    `typeof "tlsf" === 'string'` and drops every strategy and lock the target does not use. Before
 *    terser, functions marked @inline are expanded at their calls (build/inline.mjs).
 *    dist/targets/sizes.json records raw and gzip (level 9) sizes of each bundle for docs/device.md.
 *  - dist/cli/mcalloc.js: the `mcalloc` command (sim/main.ts with the simulator, the tuner and the
 *    allocator from src/ in one module, so the tuner's counting wrappers and the simulator's preemption
 *    hook see the same strategy objects as the allocator), run by bin/mcalloc.mjs without TypeScript;
 *    dist/cli/stamper.js is the Worker entry of its workers model, dist/cli/counting.js the strategies with
 *    their pool reads counted, for the tuner's cost column (build/count-reads.mjs).
 *
 * Build a subset with MCALLOC_TARGETS=esp32,sim npm run build (the Node library is always built).
 * Run from the package root (npm scripts do): every path here is relative to the current directory.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import typescript from '@rollup/plugin-typescript';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { buildConstants, loadTargets } from './build/targets.mjs';
import { TERSER_OPTIONS } from './build/terser.mjs';
import { inlinePlugin } from './build/inline.mjs';
import { countReadsPlugin } from './build/count-reads.mjs';
import { transpile } from './build/transpile.mjs';
import { strategyTable } from './build/strategy-table.mjs';

const INPUT = 'src/index.ts';
const SIM_INPUT = 'src/simulator.ts';
const NODE_DIR = 'dist/node';
const TARGETS_DIR = 'dist/targets';
const BUNDLE_FILE = 'mcalloc.js';
const SIZES_FILE = join(TARGETS_DIR, 'sizes.json');

const only = process.env.MCALLOC_TARGETS
  ? process.env.MCALLOC_TARGETS.split(',').map((s) => s.trim()).filter(Boolean)
  : undefined;
const allTargets = loadTargets('targets');
const targets = only === undefined ? allTargets : loadTargets('targets', { only });

// Start clean, so that sizes.json and dist/targets never list a bundle from a removed target.
rmSync(NODE_DIR, { recursive: true, force: true });
rmSync('dist/cli', { recursive: true, force: true });
if (only === undefined) rmSync(TARGETS_DIR, { recursive: true, force: true });
else for (const t of targets) rmSync(join(TARGETS_DIR, t.name), { recursive: true, force: true });

/** Warnings that mean a broken bundle: fail the build instead of printing them. */
const FATAL_WARNINGS = new Set([
  'UNRESOLVED_IMPORT', // a device bundle must be self-contained
  'MISSING_EXPORT',
  'MISSING_GLOBAL_NAME',
  'THIS_IS_UNDEFINED',
  'EVAL',
  'PLUGIN_WARNING', // @rollup/plugin-typescript reports compiler errors this way
]);

function onwarn(warning) {
  if (FATAL_WARNINGS.has(warning.code)) {
    throw new Error(`rollup: ${warning.code}: ${warning.message}`);
  }
  // The build runs with --silent; print the rest on one line each.
  console.warn(`rollup: ${warning.code ?? 'WARNING'}: ${warning.message}`);
}

/**
 * The TypeScript plugin of the Node library, which ships declarations (the other builds transpile each
 * module on its own: build/transpile.mjs). Type errors are `npm run typecheck`'s job.
 */
function ts(outDir) {
  return typescript({
    tsconfig: 'tsconfig.json',
    include: ['src/**/*.ts'],
    // Without it the filter would be resolved against compilerOptions.rootDir (src/src/**).
    filterRoot: process.cwd(),
    compilerOptions: {
      target: 'ES2018',
      rootDir: 'src',
      outDir,
      declaration: true,
      declarationDir: outDir,
      declarationMap: false,
      sourceMap: false,
      noCheck: true,
      noEmitOnError: false,
    },
  });
}

/** Fails the build if a __MCALLOC_*__ name survived replacement (it would silently mean "run-time choice"). */
function checkReplaced(target) {
  return {
    name: 'mcalloc-check-replaced',
    renderChunk(code) {
      const left = code.match(/__MCALLOC_[A-Z_]+__/g);
      if (left) {
        this.error(`${target.file}: not replaced in the bundle: ${[...new Set(left)].join(', ')} (add it to build/targets.mjs buildConstants)`);
      }
      return null;
    },
  };
}

const sizes = new Map();
try {
  // Keep the entries of targets not rebuilt by a partial build.
  if (only !== undefined) {
    for (const [name, entry] of Object.entries(JSON.parse(readFileSync(SIZES_FILE, 'utf8')))) {
      if (allTargets.some((t) => t.name === name)) sizes.set(name, entry);
    }
  }
} catch {
  // no previous sizes.json
}

/** Records raw and gzip sizes of the written bundle in dist/targets/sizes.json. */
function recordSize(target) {
  return {
    name: 'mcalloc-record-size',
    writeBundle(options) {
      const bytes = readFileSync(options.file);
      sizes.set(target.name, {
        strategy: target.strategy,
        lock: target.lock,
        debug: target.debug,
        trace: target.trace,
        poolSize: target.poolSize,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
      });
      const sorted = Object.fromEntries([...sizes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      mkdirSync(TARGETS_DIR, { recursive: true });
      writeFileSync(SIZES_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
    },
  };
}

const cli = {
  input: 'sim/main.ts',
  output: { file: 'dist/cli/mcalloc.js', format: 'es', sourcemap: false },
  external: (id) => id.startsWith('node:'),
  plugins: [transpile('ES2022')],
  onwarn,
};

// The workers model's Worker entry, next to the CLI that starts it (sim/workers-model.ts).
const cliWorker = {
  ...cli,
  input: 'sim/workers/stamper.ts',
  output: { file: 'dist/cli/stamper.js', format: 'es', sourcemap: false },
};

// The tuner's Worker entry (sim/tune/tune-workers.ts): one strategy per thread.
const tuneWorker = {
  ...cli,
  input: 'sim/tune/worker.ts',
  output: { file: 'dist/cli/tune-worker.js', format: 'es', sourcemap: false },
};

// The strategies again, each read of the pool counted, for the tuner's cost column (build/count-reads.mjs).
const COUNTING_ENTRY = '\0mcalloc-counting';
const countingStrategies = {
  input: COUNTING_ENTRY,
  output: { file: 'dist/cli/counting.js', format: 'es', sourcemap: false },
  plugins: [
    {
      name: 'mcalloc-counting-entry',
      resolveId: (id) => (id === COUNTING_ENTRY ? id : null),
      load: (id) => (id === COUNTING_ENTRY ? `export { STRUCTURES } from ${JSON.stringify(join(process.cwd(), 'src/strategies/registry.ts'))};\nexport { reads } from '\0mcalloc-reads';` : null),
    },
    ...cli.plugins,
    // After the TypeScript is gone (transform hooks run in this order).
    countReadsPlugin((id) => /\/src\/strategies\/(?!registry\.)[^/]+\.ts$/.test(id)),
  ],
  onwarn,
};

const nodeLibrary = {
  // The simulator's entry (the API plus the preemption hook) beside the public one; package.json exports only index.
  input: { index: INPUT, simulator: SIM_INPUT },
  output: {
    dir: NODE_DIR,
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    // The hook's module in a chunk of its own, so index.js exports the public names only.
    manualChunks: (id) => (id.endsWith('/src/preempt.ts') ? 'preempt' : undefined),
    sourcemap: false,
  },
  plugins: [ts(NODE_DIR)],
  onwarn,
};

const deviceBundles = targets.map((target) => {
  const dir = join(TARGETS_DIR, target.name);
  return {
    // The simulator's target keeps its preemption points, so its bundle exports the hook that drives them.
    input: target.preempt ? SIM_INPUT : INPUT,
    output: {
      file: join(dir, BUNDLE_FILE),
      format: 'es',
      sourcemap: false,
    },
    plugins: [
      strategyTable(target.strategy),
      transpile('ES2018'),
      // After TypeScript, so that `declare const __MCALLOC_STRATEGY__` in src/build.ts is already gone.
      replace({ preventAssignment: true, values: buildConstants(target) }),
      checkReplaced(target),
      // Functions marked @inline are expanded where they are called (build/inline.mjs), then minified.
      inlinePlugin(),
      terser(structuredClone(TERSER_OPTIONS)),
      recordSize(target),
    ],
    onwarn,
  };
});

export default [nodeLibrary, cli, cliWorker, tuneWorker, countingStrategies, ...deviceBundles];
