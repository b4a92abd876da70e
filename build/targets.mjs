/**
 * Device targets: targets/<name>.json holds data only, checked here before rollup bakes it into a bundle.
 *
 *   {
 *     "poolSize": 65536,          integer, multiple of alignment, 1024 <= poolSize < 2^31
 *     "strategy": "tlsf",         a name of src/strategies/registry.ts: 'first-fit' | 'next-fit' | 'best-fit' | 'worst-fit' | 'tlsf'
 *     "lock": "interrupt",        'none' | 'interrupt' | 'atomics'
 *     "alignment": 8,             power of two, 8 or more
 *     "debug": false,             pointer checks, poisoning, canaries
 *     "trace": false,             optional (default false): trace lines through the `trace` option / trace()
 *     "note": "..."               one line, shown in the target table of docs/device.md
 *   }
 *
 * Unknown fields are errors (a typo such as "stratgy" must not silently fall back to a default).
 * `preempt` is not a field: it is true for the 'sim' target only (the simulator delivers interrupts at
 * the preemption points), false for every device bundle.
 *
 * Plain ESM JavaScript so that rollup.config.mjs can import it without a TypeScript loader;
 * types in targets.d.mts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

let registryNames;

/**
 * The strategies: the names of the table in src/strategies/registry.ts, read from its text once (the
 * build reads no TypeScript; test/targets.test.ts holds the two lists equal). The CLI, which has no
 * sources, passes the table's names to validateTarget instead.
 * @returns {readonly import('./targets.d.mts').StrategyName[]}
 */
export function registryStrategies() {
  registryNames ??= Object.freeze(strategyNames(readFileSync(new URL('../src/strategies/registry.ts', import.meta.url), 'utf8')));
  return registryNames;
}
export const LOCKS = Object.freeze(['none', 'interrupt', 'atomics']);
/** The target whose bundle keeps the simulator's preemption points. */
export const SIM_TARGET = 'sim';

/** The keys of `export const STRUCTURES = Object.freeze({ ... })`, in order. */
function strategyNames(text) {
  const table = /export const STRUCTURES = Object\.freeze\(\{([^}]*)\}/.exec(text);
  if (table === null) throw new Error('build/targets.mjs: no STRUCTURES table in src/strategies/registry.ts');
  return [...table[1].matchAll(/^\s*'?([a-z0-9-]+)'?\s*[:,]/gm)].map((m) => m[1]);
}

const MIN_POOL_SIZE = 1024;
/** 32-bit words: every offset (and the end of the pool) must stay below 2^31. */
const POOL_LIMIT = 2 ** 31;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

const FIELDS = {
  poolSize: { required: true, check: checkPoolSize },
  strategy: { required: true, check: (value, _data, strategies) => oneOf(strategies)(value) },
  lock: { required: true, check: oneOf(LOCKS) },
  alignment: { required: true, check: checkAlignment },
  debug: { required: true, check: checkBoolean },
  trace: { required: false, check: checkBoolean },
  note: { required: true, check: checkNote },
};
export const TARGET_FIELDS = Object.freeze(Object.keys(FIELDS));

export class TargetError extends Error {
  /**
   * @param {string} file
   * @param {string[]} problems one line each, without the file name
   */
  constructor(file, problems) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
    this.name = 'TargetError';
    this.file = file;
    this.problems = problems;
  }
}

const show = (value) => (value === undefined ? 'nothing' : JSON.stringify(value));

function checkBoolean(value) {
  return typeof value === 'boolean' ? undefined : `must be true or false (got ${show(value)})`;
}

function oneOf(values) {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return (value) => (values.includes(value) ? undefined : `must be one of ${list} (got ${show(value)})`);
}

function checkAlignment(value) {
  if (!Number.isInteger(value) || value < 8 || (value & (value - 1)) !== 0 || value > 1 << 30) {
    return `must be a power of two, 8 or more (got ${show(value)})`;
  }
  return undefined;
}

function checkPoolSize(value, data) {
  if (!Number.isInteger(value) || value < MIN_POOL_SIZE || value >= POOL_LIMIT) {
    return `must be an integer number of bytes, ${MIN_POOL_SIZE} <= poolSize < 2^31 (got ${show(value)})`;
  }
  if (checkAlignment(data.alignment) === undefined && value % data.alignment !== 0) {
    return `must be a multiple of "alignment" (${data.alignment}) (got ${show(value)})`;
  }
  return undefined;
}

function checkNote(value) {
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n]/.test(value)) {
    return `must be a non-empty one-line string (got ${show(value)})`;
  }
  return undefined;
}

/**
 * Checks one parsed target file and returns the normalised target.
 * @param {string} name the file name without .json
 * @param {unknown} data the parsed JSON
 * @param {string} [file] the path shown in error messages
 * @param {readonly string[]} [strategies] the strategy names (default: src/strategies/registry.ts's)
 * @returns {import('./targets.d.mts').Target}
 */
export function validateTarget(name, data, file = `targets/${name}.json`, strategies = registryStrategies()) {
  const problems = [];
  if (!NAME.test(name)) {
    problems.push(`the file name must be lower-case letters, digits and dashes (got ${JSON.stringify(name)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TargetError(file, [...problems, `must hold a JSON object (got ${show(data)})`]);
  }
  for (const key of Object.keys(data)) {
    if (!Object.hasOwn(FIELDS, key)) {
      problems.push(`unknown field ${JSON.stringify(key)} (allowed: ${TARGET_FIELDS.join(', ')})`);
    }
  }
  for (const [key, { required, check }] of Object.entries(FIELDS)) {
    if (!Object.hasOwn(data, key)) {
      if (required) problems.push(`field ${JSON.stringify(key)} is missing`);
      continue;
    }
    const problem = check(data[key], data, strategies);
    if (problem !== undefined) problems.push(`field ${JSON.stringify(key)} ${problem}`);
  }
  if (problems.length > 0) throw new TargetError(file, problems);
  return Object.freeze({
    name,
    file,
    poolSize: data.poolSize,
    strategy: data.strategy,
    lock: data.lock,
    alignment: data.alignment,
    debug: data.debug,
    trace: data.trace ?? false,
    preempt: name === SIM_TARGET,
    note: data.note,
  });
}

/**
 * Reads and checks every targets/*.json (sub-directories such as targets/moddable/ are not targets).
 * Throws one error listing every problem of every file.
 * @param {string} dir the targets directory
 * @param {{ only?: string[], root?: string }} [options] `only`: build these targets only (unknown names are errors);
 *   `root`: file names in messages are relative to it (default: the current directory)
 * @returns {import('./targets.d.mts').Target[]} sorted by name
 */
export function loadTargets(dir, options = {}) {
  const root = options.root ?? process.cwd();
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name.slice(0, -'.json'.length))
    .sort();
  const errors = [];
  const targets = [];
  if (names.length === 0) errors.push(`${relative(root, dir) || dir}: no target files (*.json)`);
  for (const name of names) {
    const path = join(dir, `${name}.json`);
    const file = relative(root, path) || path;
    let data;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      errors.push(`${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    try {
      targets.push(validateTarget(name, data, file));
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      errors.push(e.message);
    }
  }
  if (options.only !== undefined) {
    const unknown = options.only.filter((n) => !names.includes(n));
    if (unknown.length > 0) {
      errors.push(`unknown target(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')} (have: ${names.join(', ')})`);
    }
  }
  if (errors.length > 0) throw new Error(`invalid device targets:\n${errors.join('\n')}`);
  return options.only === undefined ? targets : targets.filter((t) => options.only.includes(t.name));
}

/**
 * The values @rollup/plugin-replace substitutes for the globals declared in src/build.ts.
 * @param {import('./targets.d.mts').Target} target
 * @returns {Record<string, string>}
 */
export function buildConstants(target) {
  return {
    __MCALLOC_STRATEGY__: JSON.stringify(target.strategy),
    __MCALLOC_LOCK__: JSON.stringify(target.lock),
    __MCALLOC_DEBUG__: JSON.stringify(target.debug),
    __MCALLOC_POOL_SIZE__: JSON.stringify(target.poolSize),
    __MCALLOC_ALIGNMENT__: JSON.stringify(target.alignment),
    __MCALLOC_PREEMPT__: JSON.stringify(target.preempt),
    __MCALLOC_TRACE__: JSON.stringify(target.trace),
  };
}
