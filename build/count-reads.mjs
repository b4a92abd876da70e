/**
 * The tuner's cost column counts the pool words a strategy's free structure reads in one operation
 * (sim/tune/cost.ts). A Proxy over the pool counts them with no copy of the code, but costs about
 * 100 ns a read: most of the tuner's time. So the CLI build also makes dist/cli/counting.js, the
 * strategies of src/strategies/ built again with every read of the pool counted in place:
 *
 *   m[i]  ->  (reads.n++, m[i])        m[i] |= x, m[i]++  ->  (reads.n++, m[i] |= x)        m[i] = x: no read
 *
 * The pool is `m` (a local or a parameter) or `X.m`, the only computed member accesses strategies make;
 * any other computed access, or a named property of the pool (m.length), stops the build, so that no
 * read escapes the count. test/tune-cost.test.ts holds the counts equal to the Proxy's.
 */
import { parse } from 'acorn';
import MagicString from 'magic-string';

const READS = '\0mcalloc-reads';
const COUNTER = '__reads';

const isNode = (v) => typeof v === 'object' && v !== null && typeof v.type === 'string';

function walk(node, visit, parent = null) {
  visit(node, parent);
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) for (const item of v) { if (isNode(item)) walk(item, visit, node); }
    else if (isNode(v) && k !== 'type') walk(v, visit, node);
  }
}

const isPool = (o) => (o.type === 'Identifier' && o.name === 'm') || (o.type === 'MemberExpression' && !o.computed && o.property.name === 'm');

/** `code` (a module's JavaScript) with every read of the pool counted; `id` names it in errors. */
export function countReads(code, id) {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  const s = new MagicString(code);
  walk(ast, (n, parent) => {
    if (n.type !== 'MemberExpression') return;
    if (!n.computed) {
      if (isPool(n.object)) throw new Error(`count-reads: ${id}: a named property of the pool (${code.slice(n.start, n.end)}) would not be counted`);
      return;
    }
    if (!isPool(n.object)) throw new Error(`count-reads: ${id}: ${code.slice(n.start, n.end)} is a computed access the counter does not know`);
    const write = parent && parent.type === 'AssignmentExpression' && parent.left === n;
    if (write && parent.operator === '=') return;
    const whole = write || (parent && parent.type === 'UpdateExpression') ? parent : n;
    s.prependLeft(whole.start, `(${COUNTER}.n++, `);
    s.appendRight(whole.end, ')');
  });
  s.prepend(`import { reads as ${COUNTER} } from ${JSON.stringify(READS)};\n`);
  return { code: s.toString(), map: null };
}

/** The rollup plugin: counts the reads of the modules `include` accepts, with one counter they share. */
export function countReadsPlugin(include) {
  return {
    name: 'mcalloc-count-reads',
    resolveId: (id) => (id === READS ? READS : null),
    load: (id) => (id === READS ? 'export const reads = { n: 0 };' : null),
    transform(code, id) {
      return include(id) ? countReads(code, id) : null;
    },
  };
}
