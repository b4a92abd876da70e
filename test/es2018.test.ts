/**
 * Every device bundle (dist/targets/<name>/mcalloc.js) must be ES2018: acorn parses it with
 * ecmaVersion 2018, so optional chaining, `??`, class fields, optional catch bindings, BigInt literals,
 * numeric separators... are syntax errors here. Built-ins newer than ES2018 that a syntax check cannot
 * see are looked for by name (NEWER_GLOBALS, NEWER_METHODS). Run `npm run build` first (`npm test` does).
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { loadTargets } from '../build/targets.mjs';

const TARGETS_DIR = join('dist', 'targets');
const BUNDLE_FILE = 'mcalloc.js';

/** ES2019+ globals and static methods. (`globalThis`, ES2020, is allowed: XS has had it since 2019.) */
const NEWER_GLOBALS = new Set(['BigInt', 'BigInt64Array', 'BigUint64Array', 'WeakRef', 'FinalizationRegistry', 'AggregateError', 'structuredClone']);
const NEWER_STATICS = new Set(['Object.fromEntries', 'Object.hasOwn', 'Promise.allSettled', 'Promise.any', 'Atomics.waitAsync', 'Array.fromAsync']);
/** ES2019+ prototype methods, found as `x.name(` (a property of our own with one of these names would be a false alarm: rename it). */
const NEWER_METHODS = new Set(['flat', 'flatMap', 'at', 'replaceAll', 'matchAll', 'findLast', 'findLastIndex', 'trimStart', 'trimEnd', 'toSorted', 'toReversed', 'toSpliced', 'with']);

interface AnyNode {
  type: string;
  start: number;
  [key: string]: unknown;
}

const isNode = (v: unknown): v is AnyNode => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

function walk(node: AnyNode, visit: (node: AnyNode) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) { if (isNode(item)) walk(item, visit); }
    else if (isNode(value)) walk(value, visit);
  }
}

function excerpt(code: string, pos: number): string {
  return JSON.stringify(code.slice(Math.max(0, pos - 40), pos + 40));
}

function findBundles(): string[] {
  if (!existsSync(TARGETS_DIR)) return [];
  return readdirSync(TARGETS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(TARGETS_DIR, e.name, BUNDLE_FILE)))
    .map((e) => e.name)
    .sort();
}

const bundles = findBundles();

test('there is a bundle for every target', (t) => {
  t.true(bundles.length > 0, `no bundles found: ${TARGETS_DIR}/*/${BUNDLE_FILE} is empty; run \`npm run build\` first`);
  const expected = loadTargets('targets').map((target) => target.name);
  t.deepEqual(bundles, expected, `${TARGETS_DIR} does not match targets/*.json; run \`npm run build\``);
});

for (const name of bundles) {
  test(`${name}: ES2018 syntax and built-ins, self-contained`, (t) => {
    const file = join(TARGETS_DIR, name, BUNDLE_FILE);
    const code = readFileSync(file, 'utf8');
    let program: AnyNode;
    try {
      program = parse(code, { ecmaVersion: 2018, sourceType: 'module', locations: true }) as unknown as AnyNode;
    } catch (error) {
      const pos = (error as { pos?: number }).pos ?? 0;
      t.fail(`${file}: not ES2018: ${(error as Error).message} near ${excerpt(code, pos)}`);
      return;
    }
    const problems: string[] = [];
    walk(program, (node) => {
      if (node.type === 'ImportDeclaration' || node.type === 'ImportExpression' || node.type === 'ExportAllDeclaration') {
        problems.push(`imports another module (a device bundle must be self-contained) near ${excerpt(code, node.start)}`);
      }
      if (node.type === 'ExportNamedDeclaration' && node.source) {
        problems.push(`re-exports another module near ${excerpt(code, node.start)}`);
      }
      if (node.type === 'Identifier' && NEWER_GLOBALS.has(node.name as string)) {
        problems.push(`uses ${node.name as string} (newer than ES2018) near ${excerpt(code, node.start)}`);
      }
      if (node.type === 'MemberExpression' && !node.computed) {
        const object = node.object as AnyNode;
        const property = (node.property as AnyNode).name as string;
        if (object.type === 'Identifier' && NEWER_STATICS.has(`${object.name as string}.${property}`)) {
          problems.push(`uses ${object.name as string}.${property} (newer than ES2018) near ${excerpt(code, node.start)}`);
        }
      }
      if (node.type === 'CallExpression') {
        const callee = node.callee as AnyNode;
        if (callee.type === 'MemberExpression' && !callee.computed && NEWER_METHODS.has((callee.property as AnyNode).name as string)) {
          problems.push(`calls .${(callee.property as AnyNode).name as string}() (newer than ES2018) near ${excerpt(code, node.start)}`);
        }
      }
    });
    t.deepEqual(problems, [], `${file}:\n${problems.join('\n')}`);
  });
}
