/** Finding a device target (targets/NAME.json) for the tuner, and writing back its poolSize and note. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StrategyName } from '../../src/index.js';
import { UsageError } from '../options.js';
import { locateTarget, shown, userTargetDir } from '../target.js';
import { STRATEGIES } from './replay.js';

export { UsageError, shown };

export interface Target {
  name: string;
  file: string;
  poolSize: number;
  strategy: StrategyName;
  alignment?: number;
  debug?: boolean;
  note?: string;
  /** One of the targets shipped inside the mcalloc package (read; --write changes a copy). */
  shipped: boolean;
}

/** NAME as every command resolves it (sim/target.ts): ./targets or --targets DIR, then the shipped ones. */
export function findTarget(name: string, dir: string | undefined): Target {
  const found = locateTarget(name, dir);
  return loadTarget(found.file, name, found.shipped);
}

/**
 * `--write` on a shipped target: a copy in the user's directory (./targets, created if need be, or
 * --targets DIR), which --write then changes and every command finds first from then on.
 */
export function copyToUser(t: Target, dir: string | undefined): Target {
  const to = userTargetDir(dir);
  if (to === null) throw new UsageError(`--write: ${t.name} is a target shipped with mcalloc (${shown(t.file)}); in mcalloc's own clone, pass --targets DIR`);
  mkdirSync(to, { recursive: true });
  const file = join(to, `${t.name}.json`);
  copyFileSync(t.file, file);
  return { ...t, file, shipped: false };
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
