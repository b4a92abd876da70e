/** Finding a device target (targets/NAME.json) for the tuner, and writing back its poolSize and note. */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { StrategyName } from '../../src/index.js';
import { UsageError } from '../options.js';
import { PACKAGE_TARGETS } from '../package.js';
import { STRATEGIES } from './replay.js';

export { UsageError };

export interface Target {
  name: string;
  file: string;
  poolSize: number;
  strategy: StrategyName;
  alignment?: number;
  debug?: boolean;
  note?: string;
  /** One of the targets shipped inside the mcalloc package (read, never written). */
  shipped: boolean;
}

function names(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/**
 * `dir` given (--targets): only there. Otherwise ./targets of the current directory, then the
 * targets shipped with mcalloc (so `--target esp32` works in a project that has none of its own).
 */
export function findTarget(name: string, dir: string | undefined): Target {
  const dirs = dir !== undefined ? [resolve(dir)] : [resolve('targets'), PACKAGE_TARGETS];
  if (/^[\w.-]+$/.test(name)) {
    for (const d of dirs) {
      const file = join(d, `${name}.json`);
      if (existsSync(file)) return loadTarget(file, name, d === PACKAGE_TARGETS && dir === undefined);
    }
  }
  const known = [...new Set(dirs.flatMap(names))];
  throw new UsageError(`unknown target ${JSON.stringify(name)} (no ${name}.json in ${dirs.map(shown).join(' or ')}); known: ${known.join(', ') || 'none'}`);
}

/** A path as the user would type it: relative to the current directory when inside it. */
export function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r !== '' && !r.startsWith('..') ? r : path;
}

function loadTarget(file: string, name: string, shipped: boolean): Target {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${shown(file)}: not valid JSON (${(e as Error).message})`);
  }
  const { poolSize, strategy, alignment, debug, note } = data;
  if (typeof poolSize !== 'number' || !Number.isInteger(poolSize) || poolSize <= 0) throw new UsageError(`${shown(file)}: poolSize must be a positive integer`);
  if (!STRATEGIES.includes(strategy as StrategyName)) throw new UsageError(`${shown(file)}: strategy must be one of ${STRATEGIES.join(', ')}`);
  return {
    name, file, poolSize, strategy: strategy as StrategyName, shipped,
    alignment: typeof alignment === 'number' ? alignment : undefined,
    debug: typeof debug === 'boolean' ? debug : undefined,
    note: typeof note === 'string' ? note : undefined,
  };
}

/** "64 KiB" for whole KiB, else "45000 bytes": how target notes state pool sizes. */
export function sizeText(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

const TUNED = /\s*Pool sized by mcalloc tune from .*$/;

/**
 * The note after a new poolSize: every statement of the old size in it ("64 KiB", "65536") says the new
 * one, and one closing sentence says where the size came from (replacing that of an earlier --write).
 */
export function tunedNote(note: string | undefined, from: number, to: number, traceName: string, headroom: number): string {
  let text = (note ?? '').replace(TUNED, '');
  const kib = from % 1024 === 0 ? from / 1024 : undefined;
  const old = new RegExp(`\\b(?:${from}(?:\\s*bytes)?${kib === undefined ? '' : `|${kib}\\s*KiB`})\\b`, 'g');
  text = text.replace(old, sizeText(to));
  const why = `Pool sized by mcalloc tune from ${traceName} (+${Math.round(headroom * 100)}% headroom).`;
  return text === '' ? why : `${text.replace(/\s*$/, '')}${/[.!?]$/.test(text.trim()) ? '' : '.'} ${why}`;
}

/** Sets poolSize and note and nothing else: same key order, 2-space JSON, same trailing newline as before. */
export function writeTarget(t: Target, poolSize: number, note: string): void {
  const text = readFileSync(t.file, 'utf8');
  const data = JSON.parse(text);
  data.poolSize = poolSize;
  data.note = note;
  writeFileSync(t.file, JSON.stringify(data, null, 2) + (text.endsWith('\n') ? '\n' : ''));
}
