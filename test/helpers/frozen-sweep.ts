/**
 * Runs the error sweep as xsl leaves a Moddable app: the modules are loaded (their top level runs, as at
 * preload), then every built-in constructor and prototype is frozen with plain Object.freeze, and so is
 * every class the module exports (not SES lockdown(), which repairs the "override mistake" that this
 * is here to catch). Prints one JSON line: { [name]: SweepCase[] | error text }.
 *
 *   node --import tsx test/helpers/frozen-sweep.ts [library] [TARGET...]
 *
 * `library` is the Node library from src/ (options chosen at run time); a target name is its built
 * bundle, swept with the target's own settings.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTargets } from '../../build/targets.mjs';
import { errorSweepScript, runSweepInNode } from './error-sweep.js';

const names = process.argv.slice(2);
const targets = loadTargets('targets');
const settings = names.map((name) => {
  if (name === 'library') return { file: join('src', 'index.ts'), poolSize: 4096, strategy: 'tlsf', lock: 'none', debug: false };
  const t = targets.find((x) => x.name === name);
  if (t === undefined) throw new Error(`frozen-sweep: no target ${name}`);
  return { file: join('dist', 'targets', name, 'mcalloc.js'), poolSize: 4096, strategy: t.strategy, lock: t.lock, debug: t.debug };
});
const modules = await Promise.all(settings.map((s) => import(pathToFileURL(resolve(s.file)).href) as Promise<Record<string, unknown>>));

function freezeDeep(x: unknown, seen: Set<unknown>): void {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null || seen.has(x)) return;
  seen.add(x);
  Object.freeze(x);
  for (const key of Reflect.ownKeys(x)) {
    const d = Object.getOwnPropertyDescriptor(x, key)!;
    freezeDeep(d.value, seen);
    freezeDeep(d.get, seen);
    freezeDeep(d.set, seen);
  }
  freezeDeep(Object.getPrototypeOf(x), seen);
}

const seen = new Set<unknown>([globalThis]);
for (const name of Object.getOwnPropertyNames(globalThis)) {
  // The ECMAScript built-ins only (capitalised constructors and namespaces): Node's own globals stay.
  if (!/^[A-Z]/.test(name) || name === 'Buffer') continue;
  freezeDeep((globalThis as Record<string, unknown>)[name], seen);
}
// A module namespace cannot be frozen (its bindings are live); what it exports can.
for (const m of modules) for (const key of Object.keys(m)) freezeDeep(m[key], seen);
if (!Object.isFrozen(Error.prototype) || Object.getOwnPropertyDescriptor(Error.prototype, 'name')!.writable) throw new Error('the built-ins are not frozen');

const out: Record<string, unknown> = {};
names.forEach((name, i) => {
  try {
    out[name] = runSweepInNode(errorSweepScript(settings[i]), modules[i]);
  } catch (e) {
    out[name] = `sweep failed: ${String(e)}`;
  }
});
console.log(JSON.stringify(out));
