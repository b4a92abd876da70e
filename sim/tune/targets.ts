/** Reading a device target (targets/NAME.json) and writing back only its poolSize. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StrategyName } from '../../src/index.js';
import { STRATEGIES } from './replay.js';

export class UsageError extends Error {}

export interface Target {
  name: string;
  file: string;
  poolSize: number;
  strategy: StrategyName;
  alignment?: number;
  debug?: boolean;
}

/** ./targets when run from a project that has one, else the package's own. */
export function defaultTargetsDir(): string {
  const local = resolve('targets');
  return existsSync(local) ? local : join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'targets');
}

export function loadTarget(dir: string, name: string): Target {
  const file = join(dir, `${name}.json`);
  if (!/^[\w.-]+$/.test(name) || !existsSync(file)) {
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
    throw new UsageError(`unknown target ${JSON.stringify(name)} (no ${file}); known: ${known.join(', ') || 'none'}`);
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const { poolSize, strategy, alignment, debug } = data;
  if (typeof poolSize !== 'number' || !Number.isInteger(poolSize) || poolSize <= 0) throw new UsageError(`${file}: poolSize must be a positive integer`);
  if (!STRATEGIES.includes(strategy as StrategyName)) throw new UsageError(`${file}: strategy must be one of ${STRATEGIES.join(', ')}`);
  return {
    name, file, poolSize, strategy: strategy as StrategyName,
    alignment: typeof alignment === 'number' ? alignment : undefined,
    debug: typeof debug === 'boolean' ? debug : undefined,
  };
}

/** Sets poolSize and nothing else: same key order, 2-space JSON, same trailing newline as before. */
export function writePoolSize(t: Target, poolSize: number): void {
  const text = readFileSync(t.file, 'utf8');
  const data = JSON.parse(text);
  data.poolSize = poolSize;
  writeFileSync(t.file, JSON.stringify(data, null, 2) + (text.endsWith('\n') ? '\n' : ''));
}
