/**
 * src/ is layered: no module imports, directly or through others, a module that imports it back. A
 * cycle is how a lower layer starts to know a higher one (the core calling into a strategy's fast path
 * that imports the core); this test names the cycle instead of letting it grow. Imports are read with
 * TypeScript's own pre-processor, type-only imports included (they couple the files as much).
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The src/ modules a file imports (relative specifiers; `./x.js` names `./x.ts`). */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')));
}

/** Every elementary cycle reachable in `graph`, each once, as a list of files starting at its smallest. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const done = new Set<string>();
  const visit = (node: string): void => {
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onPath.has(next)) {
        const cycle = path.slice(path.indexOf(next));
        const i = cycle.indexOf([...cycle].sort()[0]);
        const canonical = [...cycle.slice(i), ...cycle.slice(0, i)];
        found.set(canonical.join(' '), canonical);
      } else if (!done.has(next)) {
        visit(next);
      }
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return [...found.values()];
}

test('src/ has no import cycle', (t) => {
  const files = sourceFiles(SRC);
  t.true(files.length > 10, 'the walk found src/');
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  for (const [file, targets] of graph) {
    for (const target of targets) t.true(graph.has(target), `${relative(SRC, file)} imports ${relative(SRC, target)}, which is not in src/`);
  }
  const cycles = findCycles(graph).map((c) => [...c, c[0]].map((f) => relative(SRC, f)).join(' -> '));
  t.deepEqual(cycles, []);
});

test('the cycle finder finds a cycle through three files and one through two, and none in a chain', (t) => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c', 'd']],
    ['c', ['a']],
    ['d', ['e']],
    ['e', ['d']],
  ]);
  t.deepEqual(findCycles(graph), [['a', 'b', 'c'], ['d', 'e']]);
  t.deepEqual(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  t.deepEqual(importsOf('/x/src/a.ts', "import { y } from './b.js';\nimport type { Z } from '../c.js';\nimport fs from 'node:fs';"), ['/x/src/b.ts', '/x/c.ts']);
});
