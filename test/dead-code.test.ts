/**
 * Dead-code proof: each device bundle keeps the code of its own strategy, lock, debug mode and
 * preemption setting only. Minified names mean nothing, so every feature is recognised by something
 * minification keeps: a global (Atomics, Math.clz32, read directly or through a module constant), a property name of an interface the core calls
 * through (find/insert/id, disable), a shape the algorithm needs (a bit scan, a walk of one list), or a
 * layout constant imported from src/pool.ts.
 *
 * A marker that stops matching after a rewrite of src/ must not turn into a silent pass, so each one is
 * checked both ways: it must be FOUND in every bundle whose target uses the feature and ABSENT from
 * every other (the targets cover both sides of every feature), and all of them must be found in the
 * Node library, which keeps everything (nothing is replaced there). Run `npm run build` first.
 */
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { loadTargets } from '../build/targets.mjs';
import { CANARY_BYTE, POISON_BYTE } from '../src/pool.js';
import { STRATEGY_NAMES, STRUCTURES } from '../src/strategies/registry.js';

interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (v: unknown): v is AnyNode => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
const FUNCTION = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Visits every node with its ancestors (nearest last). */
function walk(node: AnyNode, visit: (node: AnyNode, ancestors: AnyNode[]) => void, ancestors: AnyNode[] = []): void {
  visit(node, ancestors);
  ancestors.push(node);
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const item of value) { if (isNode(item)) walk(item, visit, ancestors); }
    else if (isNode(value)) walk(value, visit, ancestors);
  }
  ancestors.pop();
}

const keyName = (p: AnyNode): string | undefined => {
  const key = p.key as AnyNode | undefined;
  if (!key || p.computed) return undefined;
  return key.type === 'Identifier' ? (key.name as string) : typeof key.value === 'string' ? key.value : undefined;
};

interface Features {
  /** Strategy names of the free structures defined in the bundle. */
  strategies: string[];
  /** TLSF's bit scan: Math.clz32(x & -x), the lowest set bit of a bitmap. */
  bitScans: number;
  /** Walks of the single address-ordered free list: for (b = m[LIST_HEAD]; ...; b = m[b >> 2]). */
  listWalks: number;
  /** References to the Atomics global. */
  atomics: number;
  /** Calls of an interrupt mask: x.disable(). */
  maskCalls: number;
  /** Debug poisoning and canaries: x.fill(POISON_BYTE | CANARY_BYTE, ...). */
  debugFills: number;
  /** Calls of the hook that setPreemptHook() installs. */
  preemptionPoints: number;
  /** The generic core's search through the pool's free structure: P.s.find(...) (core.ts take). */
  genericFinds: number;
}

function features(code: string): Features {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AnyNode;
  const src = (n: AnyNode) => code.slice(n.start, n.end);

  // Names declared by each function (params and declarations not inside a nested function), so that a
  // minified local never resolves to a top-level constant of the same name.
  const declared = new WeakMap<AnyNode, Set<string>>();
  function localNames(fn: AnyNode): Set<string> {
    let names = declared.get(fn);
    if (names) return names;
    names = new Set();
    const add = (id: unknown) => { if (isNode(id) && id.type === 'Identifier') names!.add(id.name as string); };
    for (const p of fn.params as AnyNode[]) walk(p, (n) => add(n));
    walk(fn.body as AnyNode, (n, anc) => {
      if (anc.slice(1).some((a) => FUNCTION.has(a.type))) return;
      if (n.type === 'VariableDeclarator') walk(n.id as AnyNode, (m) => add(m));
      if (n.type === 'FunctionDeclaration') add(n.id);
    });
    declared.set(fn, names);
    return names;
  }
  const constants = new Map<string, number>();
  // Top-level statements, and those of top-level blocks (the Node library's files, each in a block).
  for (const s of (program.body as AnyNode[]).flatMap((x) => (x.type === 'BlockStatement' ? (x.body as AnyNode[]) : [x]))) {
    if (s.type !== 'VariableDeclaration' || s.kind !== 'const') continue;
    for (const d of s.declarations as AnyNode[]) {
      const init = d.init as AnyNode | null;
      if ((d.id as AnyNode).type === 'Identifier' && init?.type === 'Literal' && typeof init.value === 'number') constants.set((d.id as AnyNode).name as string, init.value);
    }
  }
  function numberOf(n: AnyNode | null | undefined, ancestors: AnyNode[]): number | undefined {
    if (!n) return undefined;
    if (n.type === 'Literal' && typeof n.value === 'number') return n.value;
    if (n.type === 'Identifier' && constants.has(n.name as string)) {
      const shadowed = ancestors.some((a) => FUNCTION.has(a.type) && localNames(a).has(n.name as string));
      return shadowed ? undefined : constants.get(n.name as string);
    }
    return undefined;
  }

  const f: Features = { strategies: [], bitScans: 0, listWalks: 0, atomics: 0, maskCalls: 0, debugFills: 0, preemptionPoints: 0, genericFinds: 0 };
  const structures: { node: AnyNode; ancestors: AnyNode[] }[] = [];
  const calls: AnyNode[] = [];
  const functionsByName = new Map<string, AnyNode>();
  const clz32Names = new Set<string>();
  let hookSetter: string | undefined;

  walk(program, (n, ancestors) => {
    // Top-level functions only: the minifier reuses short names for nested ones (a local `r` is not the export `r`).
    const topLevel = !ancestors.some((a) => FUNCTION.has(a.type));
    if (topLevel && n.type === 'FunctionDeclaration') functionsByName.set((n.id as AnyNode).name as string, n);
    // Unminified (the Node library's chunk, read without its export lines): the setter by its own name.
    if (topLevel && n.type === 'FunctionDeclaration' && (n.id as AnyNode).name === 'setPreemptHook') hookSetter = 'setPreemptHook';
    if (topLevel && n.type === 'VariableDeclarator' && (n.id as AnyNode).type === 'Identifier' && isNode(n.init) && FUNCTION.has(n.init.type)) {
      functionsByName.set((n.id as AnyNode).name as string, n.init);
    }
    if (n.type === 'ExportSpecifier' && src(n.exported as AnyNode).replace(/["']/g, '') === 'setPreemptHook') hookSetter = (n.local as AnyNode).name as string;
    if (n.type === 'ExportNamedDeclaration' && (n.declaration as AnyNode | null)?.type === 'FunctionDeclaration') {
      const id = ((n.declaration as AnyNode).id as AnyNode).name as string;
      if (id === 'setPreemptHook') hookSetter = id;
    }
    if (n.type === 'ObjectExpression') {
      const keys = new Set((n.properties as AnyNode[]).map(keyName));
      if (keys.has('find') && keys.has('insert') && keys.has('id')) structures.push({ node: n, ancestors: [...ancestors] });
    }
    // A top-level `const x = Math.clz32`: src/ keeps Math's functions in module constants.
    if (topLevel && n.type === 'VariableDeclarator' && (n.id as AnyNode).type === 'Identifier' && isNode(n.init) && src(n.init) === 'Math.clz32') clz32Names.add((n.id as AnyNode).name as string);
    if (n.type === 'CallExpression') {
      calls.push(n);
      const callee = n.callee as AnyNode;
      const args = n.arguments as AnyNode[];
      const clz32 = src(callee) === 'Math.clz32' || (callee.type === 'Identifier' && clz32Names.has(callee.name as string));
      if (clz32 && args[0]?.type === 'BinaryExpression') {
        const { operator, left, right } = args[0] as unknown as { operator: string; left: AnyNode; right: AnyNode };
        const negates = (a: AnyNode, b: AnyNode) => a.type === 'UnaryExpression' && a.operator === '-' && src(a.argument as AnyNode) === src(b);
        if (operator === '&' && (negates(left, right) || negates(right, left))) f.bitScans++;
      }
      if (callee.type === 'MemberExpression' && !callee.computed) {
        const property = (callee.property as AnyNode).name;
        if (property === 'disable') f.maskCalls++;
        const object = callee.object as AnyNode;
        if (property === 'find' && object.type === 'MemberExpression' && !object.computed && (object.property as AnyNode).name === 's') f.genericFinds++;
        if (property === 'fill' && args.length > 1) {
          const value = numberOf(args[0], ancestors);
          if (value === POISON_BYTE || value === CANARY_BYTE) f.debugFills++;
        }
      }
    }
    if (n.type === 'Identifier' && n.name === 'Atomics') {
      const parent = ancestors[ancestors.length - 1];
      if (parent?.type === 'MemberExpression' && parent.object === n) f.atomics++;
    }
    if (n.type === 'ForStatement' && isNode(n.update) && n.init) {
      // init: `let b = m[K]` or `b = m[K]` with K a constant (the list head); update: `b = ... m[b >> 2] ^ k` (a decoded link).
      const init = n.init as AnyNode;
      const first = init.type === 'VariableDeclaration' ? (init.declarations as AnyNode[])[0] : init;
      const [variable, start] = first.type === 'VariableDeclarator' ? [first.id, first.init] : first.type === 'AssignmentExpression' ? [first.left, first.right] : [];
      const update = n.update as AnyNode;
      if (isNode(variable) && isNode(start) && start.type === 'MemberExpression' && start.computed && numberOf(start.property as AnyNode, ancestors) !== undefined
        && update.type === 'AssignmentExpression' && update.operator === '=' && src(update.left as AnyNode) === src(variable)
        && src(update.right as AnyNode).replace(/\s/g, '').includes(`${src(start.object as AnyNode)}[${src(variable)}>>2]^`)) {
        f.listWalks++;
      }
    }
  });

  // A structure's id is a literal, or a parameter of the factory that builds it (listStrategy(id, find)).
  const ids = new Set<number>();
  for (const { node, ancestors } of structures) {
    const idValue = (node.properties as AnyNode[]).find((p) => keyName(p) === 'id')!.value as AnyNode;
    const literal = numberOf(idValue, ancestors);
    if (literal !== undefined) { ids.add(literal); continue; }
    const factory = [...ancestors].reverse().find((a) => FUNCTION.has(a.type) && (a.params as AnyNode[]).some((p) => src(p) === src(idValue)));
    const index = factory ? (factory.params as AnyNode[]).findIndex((p) => src(p) === src(idValue)) : -1;
    const name = factory && [...functionsByName].find(([, fn]) => fn === factory)?.[0];
    if (name === undefined) throw new Error(`free structure with an id that is neither a literal nor a factory parameter: ${src(node).slice(0, 80)}`);
    for (const c of calls) {
      const callee = c.callee as AnyNode;
      const value = callee.type === 'Identifier' && callee.name === name ? numberOf((c.arguments as AnyNode[])[index], []) : undefined;
      if (value !== undefined) ids.add(value);
    }
  }
  f.strategies = [...ids].map((id) => STRATEGY_NAMES.find((n) => STRUCTURES[n].id === id) ?? `unknown id ${id}`).sort();

  // Preemption points: calls of the variable that setPreemptHook() assigns, or (the sim bundle, which
  // keeps the hook in a global slot: src/preempt.ts) reads of the slot it assigns, outside the setter.
  const setter = hookSetter === undefined ? undefined : functionsByName.get(hookSetter);
  if (setter) {
    const hooks = new Set<string>();
    const slots = new Set<string>();
    walk(setter.body as AnyNode, (n) => {
      if (n.type !== 'AssignmentExpression') return;
      const left = n.left as AnyNode;
      if (left.type === 'Identifier') hooks.add(left.name as string);
      if (left.type === 'MemberExpression' && left.computed && (left.property as AnyNode).type === 'Identifier') slots.add((left.property as AnyNode).name as string);
    });
    f.preemptionPoints = calls.filter((c) => (c.callee as AnyNode).type === 'Identifier' && hooks.has((c.callee as AnyNode).name as string)).length;
    walk(program, (n, ancestors) => {
      if (n.type === 'MemberExpression' && n.computed && (n.property as AnyNode).type === 'Identifier' && slots.has((n.property as AnyNode).name as string) && !ancestors.includes(setter)) {
        f.preemptionPoints++;
      }
    });
  }
  return f;
}

const TARGETS_DIR = join('dist', 'targets');
const NODE_LIBRARY = join('dist', 'node', 'index.js');
/** The strategies with no roots of their own in the header keep the shared free list (strategies/list.ts). */
const LIST_STRATEGIES = new Set(STRATEGY_NAMES.filter((n) => STRUCTURES[n].rootWords(65536) === 0));
const targets = loadTargets('targets');

test('the markers find every feature in the Node library, which keeps them all', (t) => {
  t.true(existsSync(NODE_LIBRARY), `${NODE_LIBRARY} is missing: run \`npm run build\``);
  // The library's entries and chunks, read as one program (the preemption hook's setter is in a chunk).
  const dir = join('dist', 'node');
  // Each in a block of its own (they repeat the build constants), without the import/export lines that join them.
  const files = readdirSync(dir).filter((n) => n.endsWith('.js')).map((n) => readFileSync(join(dir, n), 'utf8').replace(/^(import|export) .*$/gm, ''));
  const f = features(files.map((text) => `{\n${text}\n}`).join('\n'));
  t.deepEqual(f.strategies, [...STRATEGY_NAMES].sort(), 'a free structure per strategy');
  for (const key of ['bitScans', 'listWalks', 'atomics', 'maskCalls', 'debugFills', 'preemptionPoints', 'genericFinds'] as const) {
    t.true(f[key] > 0, `${key}: the marker no longer matches the source; update features() in this test`);
  }
});

test('every feature is on in some target and off in another (so each marker is tested both ways)', (t) => {
  const sides = (on: (x: (typeof targets)[number]) => boolean) => new Set(targets.map(on)).size === 2;
  t.true(sides((x) => x.strategy === 'tlsf'), 'tlsf');
  t.true(sides((x) => x.lock === 'atomics'), 'atomics lock');
  t.true(sides((x) => x.lock === 'interrupt'), 'interrupt lock');
  t.true(sides((x) => x.debug), 'debug');
  t.true(sides((x) => x.preempt), 'preemption points');
  t.true(sides(genericPath), 'the generic core');
  t.deepEqual([...new Set(targets.map((x) => x.strategy))].sort(), [...STRATEGY_NAMES].sort(), 'every strategy has a target');
});

/**
 * Whether a target's pools can take the generic core (core-allocator.ts): a list strategy's, and a debug
 * or traced TLSF pool; every other TLSF pool takes TlsfAllocator, and the bundle has no generic core.
 */
const genericPath = (x: (typeof targets)[number]) => LIST_STRATEGIES.has(x.strategy) || x.debug || x.trace;

for (const target of targets) {
  test(`${target.name}: only ${target.strategy}, the ${target.lock} lock, ${target.debug ? 'debug' : 'release'}, ${target.preempt ? 'with' : 'no'} preemption points`, (t) => {
    const file = join(TARGETS_DIR, target.name, 'mcalloc.js');
    t.true(existsSync(file), `${file} is missing: run \`npm run build\``);
    const f = features(readFileSync(file, 'utf8'));
    const present = (count: number, wanted: boolean, what: string) =>
      t.is(count > 0, wanted, `${file}: ${what} ${wanted ? 'missing (marker out of date?)' : `left in (${count} found)`}`);
    t.deepEqual(f.strategies, [target.strategy], `${file}: free structures`);
    present(f.bitScans, target.strategy === 'tlsf', 'TLSF bitmap scan');
    present(f.listWalks, LIST_STRATEGIES.has(target.strategy), 'free-list walk');
    present(f.atomics, target.lock === 'atomics', 'Atomics');
    present(f.maskCalls, target.lock === 'interrupt', 'interrupt mask calls');
    present(f.debugFills, target.debug, 'debug poison/canary fills');
    present(f.preemptionPoints, target.preempt, 'preemption points');
    present(f.genericFinds, genericPath(target), "the generic core's search (P.s.find)");
  });
}
