/**
 * Where every command finds targets/<name>.json: the user's directory (./targets of the current
 * directory, or --targets DIR), then the targets shipped with mcalloc. A user's file of the same name
 * wins, so `tune --write` (which copies a shipped target into the user's directory before changing it)
 * and `sim --target` agree on which file a name means.
 *
 * The simulator reads a target with the check the device builds use (build/targets.mjs), so it runs
 * exactly what a bundle would bake in.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { TargetError, validateTarget, type Target } from '../build/targets.mjs';
import { STRATEGY_NAMES } from '../src/strategies/registry.js';
import { UsageError } from './options.js';
import { PACKAGE_TARGETS } from './package.js';

export type { Target };

export const DEFAULT_TARGET = 'sim';

export interface TargetDir {
  dir: string;
  shipped: boolean;
}

export interface FoundTarget {
  name: string;
  /** Absolute path of the JSON file. */
  file: string;
  shipped: boolean;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);

/**
 * The directories searched, user's first. `--targets DIR` must exist (a typo must not fall back to
 * the shipped targets unnoticed); ./targets need not. In a clone of mcalloc, ./targets is the shipped
 * directory itself and is listed once, as shipped.
 */
export function targetDirs(option?: string): TargetDir[] {
  const shipped = { dir: real(PACKAGE_TARGETS), shipped: true };
  if (option !== undefined) {
    if (!isDirectory(option)) throw new UsageError(`--targets ${option}: ${existsSync(option) ? 'not a directory' : 'no such directory'}`);
    const dir = real(resolve(option));
    return dir === shipped.dir ? [shipped] : [{ dir, shipped: false }, shipped];
  }
  const dir = real(resolve('targets'));
  return dir === shipped.dir ? [shipped] : [{ dir, shipped: false }, shipped];
}

/** The user's directory: where `tune --write` puts a copy of a shipped target (null in a clone of mcalloc). */
export function userTargetDir(option?: string): string | null {
  const first = targetDirs(option)[0];
  return first.shipped ? null : first.dir;
}

function names(dir: string): string[] {
  return isDirectory(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort() : [];
}

/** Every target a name resolves to, in name order; `shadows` is set when a user's file hides a shipped one. */
export function listTargets(option?: string): (FoundTarget & { shadows: string | null })[] {
  const found = new Map<string, FoundTarget & { shadows: string | null }>();
  for (const { dir, shipped } of targetDirs(option)) {
    for (const name of names(dir)) {
      const file = join(dir, `${name}.json`);
      const first = found.get(name);
      if (first === undefined) found.set(name, { name, file, shipped, shadows: null });
      else if (first.shadows === null) first.shadows = file;
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function targetNames(option?: string): string[] {
  return listTargets(option).map((t) => t.name);
}

/** The file NAME resolves to; a UsageError naming the directories and the known targets otherwise. */
export function locateTarget(name: string, option?: string): FoundTarget {
  const dirs = targetDirs(option);
  if (/^[\w][\w.-]*$/.test(name)) {
    for (const { dir, shipped } of dirs) {
      const file = join(dir, `${name}.json`);
      if (existsSync(file)) return { name, file, shipped };
    }
  }
  const known = targetNames(option);
  throw new UsageError(`unknown target ${JSON.stringify(name)} (no ${name}.json in ${dirs.map((d) => shown(d.dir)).join(' or ')}); known: ${known.join(', ') || 'none'}`);
}

/** A path as the user would type it: relative to the current directory when inside it. */
export function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r !== '' && !r.startsWith('..') ? r : path;
}

/** Byte for byte a shipped target of the same name (a copy nobody changed yet). */
function sameAsShipped(found: FoundTarget, text: string): boolean {
  const shipped = join(PACKAGE_TARGETS, `${found.name}.json`);
  return found.shipped || (existsSync(shipped) && readFileSync(shipped, 'utf8') === text);
}

/**
 * Reads and checks the target NAME as the simulator runs it; a UsageError with a one-line reason.
 * `yours` is set when the file is the user's and says something a shipped one does not (a tuned
 * copy, a board of their own): the one case where which file ran is worth saying.
 */
export function loadTarget(name: string, option?: string): Target & { yours: boolean } {
  const found = locateTarget(name, option);
  const file = shown(found.file);
  let data: unknown;
  const text = readFileSync(found.file, 'utf8');
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return { ...validateTarget(name, data, file, STRATEGY_NAMES), yours: !sameAsShipped(found, text) };
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(`${file}: ${e.problems.join('; ')}`);
    throw e;
  }
}
