/**
 * build/inline.mjs: a function marked `@inline` is expanded at every call of a device bundle. Each
 * expansion must compute what the call computed (checked by running both versions of a module on the
 * same inputs), leave no call and no declaration behind, and every form it cannot expand must stop the
 * build with a message naming the call.
 */
import test from 'ava';
import { inlineMarked } from '../build/inline.mjs';

/** Evaluates a module's text (no imports) and returns its function `user`. */
function load(code: string): (...args: number[]) => unknown {
  return new Function(`${code.replace(/\bexport /g, '')}\nreturn user;`)() as (...args: number[]) => unknown;
}

const HELPERS = `
const K = 3;
let counter = 0;
/** A class, one expression. @inline */
function cls(size) { return size < 128 ? 0 : 31 - Math.clz32(size); }
/** Statements, an early return, a call of another marked function. @inline */
function put(m, b, size) {
  const c = cls(size);
  if (c === 0) { m[b] = size; return; }
  m[b + c] = size + K;
}
/** A value, returned early or last, a loop, a label of its own. @inline */
function pick(m, i) {
  let x = m[i];
  if (x === 0) return -1;
  outer: for (let j = 0; j < 3; j++) { for (;;) { x += m[j]; continue outer; } }
  return x;
}
/** Assigns its parameter; reads a shorthand property; counts its calls. @inline */
function bump(size) {
  size += 8;
  counter++;
  return { size }.size;
}
/** Reads its parameter once, so an expression can stand for it. @inline */
function half(x) { return x >> 1; }
/** Ends without a return. @inline */
function clear(m) {
  m[0] = 0;
}
`;

const USER = `
export function user(a, b) {
  const m = [a, b, a + b, 0, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31];
  put(m, 1, a * 2);
  const v = pick(m, (b & 7) + 1);
  let w;
  w = pick(m, 3);
  const size = bump(a + b);
  const c = bump(size);
  if (a === 77) return clear(m);
  return [v, w, size, c, cls(b) + half(a * 64), counter, m.join()];
}
`;

test('an expanded module computes what the module with calls computed', (t) => {
  const { code, inlined } = inlineMarked(HELPERS + USER);
  t.deepEqual(inlined.sort(), ['bump', 'clear', 'cls', 'half', 'pick', 'put']);
  for (const name of inlined) t.notRegex(code, new RegExp(`\\b${name}\\b`), `${name} is gone, call and declaration`);
  const before = load(HELPERS + USER);
  const after = load(code);
  for (const [a, b] of [[0, 0], [1, 2], [63, 64], [64, 1000], [5000, 3], [77, 7], [-8, 12]]) {
    t.deepEqual(after(a, b), before(a, b), `user(${a}, ${b})`);
  }
});

test('a module without marks is left as it is, and a mark counts only in the doc comment of the function', (t) => {
  const code = 'export function user(a) { return a + 1; }\n/** not marked */ function g() { return 2; }\n/* a file that says @inline */\n/** g2 */ function g2() { return 3; }';
  t.is(inlineMarked(code).code, code);
});

const refused: [string, string, RegExp][] = [
  ['used as a value', '/** @inline */ function f(a) { return a; }\nexport function user() { return [1].map(f); }', /f is marked @inline but used as a value/],
  ['a statement body inside an expression', '/** @inline */ function f(a) { a++; return a; }\nexport function user(b) { return 1 + f(b); }', /its call must be a statement of its own/],
  ['a nested function', '/** @inline */ function f(a) { return [a].map((x) => x); }\nexport function user(b) { return f(b); }', /nested function/],
  ['recursion', '/** @inline */ function f(a) { if (a) return f(a - 1); return 0; }\nexport function user(b) { return f(b); }', /recursive/],
  ['this', '/** @inline */ function f(a) { return this.x + a; }\nexport function user(b) { return f(b); }', /uses this/],
  ['a caller that captures a name the body reads', 'const K = 1;\n/** @inline */ function f(a) { return a + K; }\nexport function user(b) { const K = 5; return f(b) + K; }', /the caller declares K/],
  ['an argument with effects in an expression body', '/** @inline */ function f(a) { return a + a; }\nexport function user(b) { return f(b++); }', /argument 1 \(b\+\+\) has effects/],
  ['a call in a for head', '/** @inline */ function f(a) { a++; return a; }\nexport function user(b) { for (let i = f(b); i < 3; i++); }', /for head/],
];
for (const [what, code, message] of refused) {
  test(`refused with a message: ${what}`, (t) => {
    t.throws(() => inlineMarked(code), { message });
  });
}

test('an argument is never read later than the call read it when the body could change it first', (t) => {
  // f writes m[0] before it reads x: m[0] must be read before the call, as the call did.
  const code = '/** @inline */ function f(m, x) { return (m[0] = 9) + x; }\nexport function user(a) { const m = [a]; return f(m, m[0]); }';
  t.throws(() => inlineMarked(code), { message: /argument 2 \(m\[0\]\)/ });
  // A module variable is bound first: the body may call what changes it.
  const module = 'let n = 1;\nfunction bump() { n++; }\n/** @inline */ function g(x) { bump(); return x; }\nexport function user() { const v = g(n); return [v, n]; }';
  const { code: out } = inlineMarked(module);
  t.deepEqual(load(out)(), load(module)());
  t.throws(() => inlineMarked('/** @inline */ function h(x) { return (x = 2); }\nexport function user(a) { return h(a); }'), { message: /assigns its parameter x/ });
  // A call in the other branch of a conditional does not run before the read.
  const branch = 'function z() { return 0; }\n/** @inline */ function k(c, x) { return c ? z() : x; }\nexport function user(a) { const o = { v: a }; return k(a > 5, o.v); }';
  const expanded = inlineMarked(branch).code;
  t.regex(expanded, /\(o\.v\)/);
  t.is(load(expanded)(3), 3);
});

test('`this` passed from a method is used as it is: the expansion stays in the method', (t) => {
  const code = '/** @inline */ function bump(o, n) { o.count += n; return o.count; }\nclass C { constructor() { this.count = 1; } add(n) { return bump(this, n); } }\nexport function user(a) { return new C().add(a); }';
  const { code: out } = inlineMarked(code);
  t.notRegex(out, /bump/);
  t.regex(out, /this\.count \+= n/);
  t.is(load(out)(4), 5);
});
