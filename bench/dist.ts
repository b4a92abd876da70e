/**
 * The code under test: the built library and device bundles. Builds them when missing or older than
 * their sources (`npm run build` takes most of a --quick budget, so it runs only when needed), then copies
 * them to a private directory, because other work in the same checkout may rebuild (and first delete)
 * dist/ while the benchmark runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SOURCES = ['src', 'targets', 'build', 'rollup.config.mjs', 'package.json', 'tsconfig.json'];
const SIZES = 'dist/targets/sizes.json';
const LIBRARY = 'dist/node/index.js';

export interface TargetSize {
  strategy: string;
  lock: string;
  debug: boolean;
  poolSize: number;
  raw: number;
  gzip: number;
}

export interface Snapshot {
  dir: string;
  /** The Node library (ESM). */
  library: string;
  /** Device bundle of each target, by target name. */
  bundles: Map<string, string>;
  sizes: Record<string, TargetSize>;
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const entry of readdirSync(path)) t = Math.max(t, newest(join(path, entry)));
  return t;
}

function builtAt(): number {
  if (!existsSync(SIZES) || !existsSync(LIBRARY)) return 0;
  const sizes = JSON.parse(readFileSync(SIZES, 'utf8')) as Record<string, unknown>;
  const targets = readdirSync('targets').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  if (targets.some((t) => !(t in sizes) || !existsSync(join('dist/targets', t, 'mcalloc.js')))) return 0;
  return Math.min(statSync(SIZES).mtimeMs, statSync(LIBRARY).mtimeMs);
}

export function ensureBuilt(log: (s: string) => void): void {
  const sources = Math.max(...SOURCES.map(newest));
  if (builtAt() >= sources) return;
  log('building (npm run build)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('npm run build failed');
}

function copyOnce(dir: string): Snapshot {
  const sizes = JSON.parse(readFileSync(SIZES, 'utf8')) as Record<string, TargetSize>;
  // The library is index.js and the chunks it imports (rollup splits the simulator's hook out).
  const node = join(dir, 'node');
  cpSync(dirname(LIBRARY), node, { recursive: true, filter: (f) => !f.endsWith('.d.ts') });
  writeFileSync(join(node, 'package.json'), '{ "type": "module" }\n');
  const library = join(node, 'index.js');
  const bundles = new Map<string, string>();
  for (const name of Object.keys(sizes)) {
    const file = join(dir, `${name}.js`);
    copyFileSync(join('dist/targets', name, 'mcalloc.js'), file);
    bundles.set(name, file);
  }
  return { dir, library, bundles, sizes };
}

/** Copies dist/ aside; retries while a concurrent build has it half written. */
export async function snapshot(log: (s: string) => void): Promise<Snapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'mcalloc-bench-'));
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      ensureBuilt(log);
      return copyOnce(dir);
    } catch (e) {
      if (attempt >= 5) throw e;
      log(`dist/ not readable (${(e as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}
