/**
 * The simulated device's configuration: one targets/<name>.json, checked by the same code that checks
 * it for the device builds (build/targets.mjs), so the sim runs exactly what a bundle would bake in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { validateTarget, type Target } from '../build/targets.mjs';
import { PACKAGE_TARGETS } from './package.js';

export type { Target };

export const TARGETS_DIR = `${PACKAGE_TARGETS}/`;
export const DEFAULT_TARGET = 'sim';

export function targetNames(): string[] {
  return readdirSync(TARGETS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Reads and checks targets/<name>.json; throws an Error with a one-line reason. */
export function loadTarget(name: string): Target {
  const file = `${TARGETS_DIR}${name}.json`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    throw new Error(`unknown target ${JSON.stringify(name)} (have: ${targetNames().join(', ')})`);
  }
  return validateTarget(name, JSON.parse(readFileSync(file, 'utf8')), `targets/${name}.json`);
}
