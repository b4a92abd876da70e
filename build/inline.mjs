/**
 * Build-time inlining for device bundles: a function whose doc comment holds `@inline` is expanded at
 * every call in the bundle, and its declaration removed. XS is an interpreter with no inliner: a call
 * costs 20-35 units of its meter, a local read 1-2, so the allocator's source can say a formula once,
 * as a function, and the device still runs it in line (AssemblyScript's `@inline` is the model).
 *
 * It runs on the bundle rollup renders (one module scope, every name final), before terser:
 *
 *   - a function whose body is `return EXPR;` becomes `(EXPR)` wherever it is called, its parameters
 *     replaced by the arguments (which must then be free of side effects);
 *   - any other body needs its call to be a statement of its own: `f(a);`, `x = f(a);`, `const x = f(a);`
 *     or `return f(a);`. The call becomes statements that bind the parameters (an argument that is a name
 *     or a literal is used as it is) and run the body, its locals renamed apart; `return e` becomes an
 *     assignment to the result, and a `break` out of a labelled block when it is not the last statement.
 *
 * Anything else is a build error naming the call, never a silent call left in: a marked function used
 * as a value or called where neither form applies, a body with `this`, `arguments`, a nested function
 * or recursion, or a caller whose own names would capture one the body reads. Inlined bodies may call
 * other marked functions; passes repeat until none is left.
 */
import { parse } from 'acorn';
import MagicString from 'magic-string';

const MARK = /@inline\b/;
const MAX_PASSES = 8;
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

const isNode = (v) => typeof v === 'object' && v !== null && typeof v.type === 'string';

/** Calls visit(node, parent, key) for every node below `node` (parent first). */
function walk(node, visit, parent = null, key = null) {
  if (visit(node, parent, key) === false) return;
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) for (const item of v) { if (isNode(item)) walk(item, visit, node, k); }
    else if (isNode(v) && k !== 'type') walk(v, visit, node, k);
  }
}

/** An Identifier that names a binding or a reference (not a property name or a label). */
function isReference(node, parent, key) {
  if (node.type !== 'Identifier' || parent === null) return false;
  if (parent.type === 'MemberExpression' && key === 'property' && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && key === 'key' && !parent.computed) return false; // a shorthand's value is the same name
  if ((parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') && key === 'label') return false;
  return true;
}

/** Expressions whose evaluation has no effect and whose order does not matter. */
function isPure(node) {
  switch (node.type) {
    case 'Identifier':
    case 'Literal':
      return true;
    case 'MemberExpression':
      return isPure(node.object) && (!node.computed || isPure(node.property));
    case 'UnaryExpression':
      return node.operator !== 'delete' && isPure(node.argument);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return isPure(node.left) && isPure(node.right);
    case 'ConditionalExpression':
      return isPure(node.test) && isPure(node.consequent) && isPure(node.alternate);
    default:
      return false;
  }
}

// `this` too: the expansion stays in the caller's function, whose `this` the body (which may not use
// `this` itself) then reads.
const isAtom = (node) => node.type === 'Identifier' || node.type === 'Literal' || node.type === 'ThisExpression' || (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal');

/** Every name declared anywhere inside `fn` (its parameters, variables, functions, classes, catch clauses). */
function declaredNames(fn) {
  const names = new Set();
  const bind = (pattern) => walk(pattern, (n, p, k) => {
    if (n.type === 'Identifier' && (p === null || isReference(n, p, k)) && !(p?.type === 'AssignmentPattern' && k === 'right')) names.add(n.name);
  });
  if (fn.id) names.add(fn.id.name);
  for (const p of fn.params) bind(p);
  walk(fn.body, (n) => {
    if (n.type === 'VariableDeclarator') bind(n.id);
    else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id) names.add(n.id.name);
    else if (n.type === 'CatchClause' && n.param) bind(n.param);
    if (FUNCTIONS.has(n.type)) for (const p of n.params) bind(p);
  });
  return names;
}

/** Reads a marked function: what its expansions need, or a build error saying why it cannot be inlined. */
function describe(fn, code, fail) {
  const name = fn.id.name;
  if (fn.async || fn.generator) fail(`${name}: an async or generator function cannot be inlined`);
  const params = fn.params.map((p) => {
    if (p.type !== 'Identifier') fail(`${name}: parameter ${code.slice(p.start, p.end)} is not a plain name`);
    return p.name;
  });
  const locals = new Set(params);
  const labels = new Set();
  const refs = []; // { start, end, name, shorthand }
  const effects = []; // calls and assignments: what may change what a later read sees
  const returns = [];
  const assigned = new Set();
  walk(fn.body, (n, p, k) => {
    if (n !== fn.body && FUNCTIONS.has(n.type)) fail(`${name}: a nested function cannot be inlined (its code would be made at every call)`);
    if (n.type === 'ThisExpression') fail(`${name}: uses this`);
    if (n.type === 'Identifier' && n.name === 'arguments' && isReference(n, p, k)) fail(`${name}: uses arguments`);
    if (n.type === 'ReturnStatement') returns.push(n);
    if (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AssignmentExpression' || n.type === 'UpdateExpression') effects.push(n);
    if (n.type === 'LabeledStatement') labels.add(n.label.name);
    if (n.type === 'VariableDeclarator') {
      if (n.id.type !== 'Identifier') fail(`${name}: a destructuring declaration cannot be inlined`);
      locals.add(n.id.name);
    }
    if (n.type === 'ClassDeclaration') fail(`${name}: a class declaration cannot be inlined`);
    if ((n.type === 'AssignmentExpression' || n.type === 'UpdateExpression') && (n.left ?? n.argument).type === 'Identifier') assigned.add((n.left ?? n.argument).name);
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === name) fail(`${name}: a recursive function cannot be inlined`);
    if (isReference(n, p, k)) refs.push({ node: n, start: n.start, end: n.end, name: n.name, shorthand: p.type === 'Property' && p.shorthand && k === 'value' });
    if (n.type === 'LabeledStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement') {
      if (n.label) refs.push({ start: n.label.start, end: n.label.end, name: n.label.name, label: true });
    }
  });
  // Which branch of which conditional each effect and each read sits in: an effect in one branch does
  // not run before a read in the other.
  const branches = new Map();
  const mark = (node, path) => {
    if (node.type === 'ConditionalExpression') {
      mark(node.test, path);
      mark(node.consequent, [...path, `${node.start}:c`]);
      mark(node.alternate, [...path, `${node.start}:a`]);
      return;
    }
    branches.set(node, path);
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) for (const item of v) { if (isNode(item)) mark(item, path); }
      else if (isNode(v) && k !== 'type') mark(v, path);
    }
  };
  mark(fn.body, []);
  const exclusive = (x, y) => {
    const a = branches.get(x) ?? [];
    const b = branches.get(y) ?? [];
    return a.some((p) => b.some((q) => p !== q && p.split(':')[0] === q.split(':')[0]));
  };
  const body = fn.body.body;
  const single = body.length === 1 && body[0].type === 'ReturnStatement' && body[0].argument !== null ? body[0].argument : null;
  const free = new Set(refs.filter((r) => !r.label && !locals.has(r.name)).map((r) => r.name));
  const uses = new Map(params.map((p) => [p, refs.filter((r) => !r.label && r.name === p).length]));
  return { name, params, locals, labels, refs, returns, effects, exclusive, assigned, free, uses, single, body, start: fn.body.start + 1, end: fn.body.end - 1 };
}

/**
 * The text of `f`'s code from `from` to `to` with its references replaced: parameters by `args`
 * (a map of name -> text), other locals and labels by their name with `suffix`, each `return` by
 * what `onReturn` makes of it (when given).
 */
function rewrite(code, f, from, to, args, suffix, onReturn) {
  const edits = [];
  for (const r of f.refs) {
    if (r.start < from || r.end > to) continue;
    let text;
    if (r.label) text = f.labels.has(r.name) ? r.name + suffix : r.name;
    else if (args.has(r.name)) text = args.get(r.name);
    else if (f.locals.has(r.name)) text = r.name + suffix;
    else continue;
    edits.push({ start: r.start, end: r.end, text: r.shorthand ? `${r.name}: ${text}` : text });
  }
  if (onReturn) {
    for (const ret of f.returns) {
      if (ret.start < from || ret.end > to) continue;
      const inner = ret.argument ? rewrite(code, f, ret.argument.start, ret.argument.end, args, suffix) : null;
      // The return statement's own references are in `inner`: drop them from the outer edits.
      for (let i = edits.length - 1; i >= 0; i--) if (edits[i].start >= ret.start && edits[i].end <= ret.end) edits.splice(i, 1);
      edits.push({ start: ret.start, end: ret.end, text: onReturn(inner, ret) });
    }
  }
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = from;
  for (const e of edits) {
    out += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + code.slice(at, to);
}

/** One pass over `code`: expands the outermost calls of marked functions. Returns null when none is left. */
function pass(code, counter, fail, marked) {
  const comments = [];
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', onComment: comments });
  const inline = new Map();
  let prevEnd = 0;
  for (const node of ast.body) {
    // The mark is in the function's own doc comment: the comment right before it, nothing else between.
    const doc = comments.find((c) => c.start >= prevEnd && c.end <= node.start && code.slice(c.end, node.start).trim() === '');
    if (node.type === 'FunctionDeclaration' && doc !== undefined && MARK.test(doc.value)) {
      inline.set(node.id.name, { node, info: describe(node, code, fail) });
    }
    prevEnd = node.end;
  }
  for (const name of inline.keys()) marked.add(name);
  // Module variables a call may change between the call and the read an expansion puts later.
  const mutable = new Set(ast.body.flatMap((n) => (n.type === 'VariableDeclaration' && n.kind !== 'const' ? n.declarations.map((d) => d.id.name) : [])));
  if (inline.size === 0) return null;

  const s = new MagicString(code);
  const taken = []; // ranges rewritten in this pass
  const inside = (start, end) => taken.some((r) => start >= r.start && end <= r.end);
  let expanded = 0;
  // Walk every top-level statement with the chain of functions around each call.
  const visit = (node, parent, key, chain, fnStack) => {
    if (node.type === 'Identifier' && inline.has(node.name) && isReference(node, parent, key)) {
      const callee = parent?.type === 'CallExpression' && key === 'callee';
      const declaration = parent?.type === 'FunctionDeclaration' && key === 'id';
      if (!callee && !declaration) fail(`${node.name} is marked @inline but used as a value at offset ${node.start}: ${code.slice(parent.start, parent.end).slice(0, 80)}`);
      if (callee && !inside(parent.start, parent.end)) {
        const range = expand(s, code, inline.get(node.name).info, parent, chain.slice(0, -1), fnStack, counter, fail, mutable);
        taken.push(range);
        expanded++;
      }
    }
    const nextFns = FUNCTIONS.has(node.type) ? [...fnStack, node] : fnStack;
    chain.push(node);
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) for (const item of v) { if (isNode(item)) visit(item, node, k, chain, nextFns); }
      else if (isNode(v) && k !== 'type') visit(v, node, k, chain, nextFns);
    }
    chain.pop();
  };
  visit(ast, null, null, [], []);
  // Declarations of marked functions no longer called go (terser would keep none of them either).
  if (expanded === 0) {
    for (const { node } of inline.values()) s.remove(node.start, node.end);
    return { code: s.toString(), done: true };
  }
  return { code: s.toString(), done: false };
}

/** Expands one call; returns the range of `code` it replaced. */
function expand(s, code, f, call, chain, fnStack, counter, fail, mutable) {
  const where = `${f.name}(…) at offset ${call.start}`;
  if (call.arguments.some((a) => a.type === 'SpreadElement')) fail(`${where}: a spread argument cannot be inlined`);
  // The caller's names must not capture a name the body reads from the module.
  for (const fn of fnStack) {
    const names = declaredNames(fn);
    for (const name of f.free) if (names.has(name)) fail(`${where}: the caller declares ${name}, which the body of ${f.name} reads from the module`);
  }
  const n = ++counter.value;
  const suffix = `$${n}`;
  const argText = (i) => (i < call.arguments.length ? code.slice(call.arguments[i].start, call.arguments[i].end) : 'void 0');
  const argNode = (i) => call.arguments[i];

  if (f.single) {
    const args = new Map();
    f.params.forEach((p, i) => {
      const a = argNode(i);
      if (f.assigned.has(p)) fail(`${where}: ${f.name} assigns its parameter ${p} in an expression body`);
      // An argument read later than the call read it: nothing the body does before that read may change it.
      const use = f.refs.find((r) => !r.label && r.name === p);
      const late = use !== undefined && f.effects.some((e) => e.end <= use.start && !f.exclusive(e, use.node));
      if (a === undefined) args.set(p, 'void 0');
      // A literal, or a name no call can change (a module variable can be).
      else if (isAtom(a) && !(a.type === 'Identifier' && mutable.has(a.name) && late)) args.set(p, argText(i));
      else if (isPure(a) && f.uses.get(p) <= 1 && !late) args.set(p, `(${argText(i)})`);
      else fail(`${where}: argument ${i + 1} (${argText(i)}) has effects, is read more than once, or is read after a call of an expression body; bind it to a const first`);
    });
    s.overwrite(call.start, call.end, `(${rewrite(code, f, f.single.start, f.single.end, args, suffix)})`);
    return { start: call.start, end: call.end };
  }

  // Statement forms: the call must be a statement of its own.
  const parent = chain[chain.length - 1];
  const grand = chain[chain.length - 2];
  let stmt;
  let result = null; // the name the value goes to
  let declare = '';
  if (parent.type === 'ExpressionStatement') {
    stmt = parent;
  } else if (parent.type === 'ReturnStatement') {
    stmt = parent;
  } else if (parent.type === 'AssignmentExpression' && parent.operator === '=' && parent.left.type === 'Identifier' && parent.right === call && grand.type === 'ExpressionStatement') {
    stmt = grand;
    result = parent.left.name;
  } else if (parent.type === 'VariableDeclarator' && parent.init === call && parent.id.type === 'Identifier' && grand.type === 'VariableDeclaration' && grand.declarations.length === 1) {
    const holder = chain[chain.length - 3];
    if (holder && (holder.type === 'ForStatement' || holder.type === 'ForInStatement' || holder.type === 'ForOfStatement')) fail(`${where}: a call in a for head cannot be inlined`);
    stmt = grand;
    result = parent.id.name;
    declare = `let ${result}; `;
  } else {
    fail(`${where}: ${f.name} has statements, so its call must be a statement of its own (f(a); x = f(a); const x = f(a); return f(a);)`);
  }
  const returning = stmt.type === 'ReturnStatement';
  const binds = [];
  const args = new Map();
  f.params.forEach((p, i) => {
    const a = argNode(i);
    // A name is used as it is unless the body could change it: assigned there, or a module variable.
    if (a !== undefined && isAtom(a) && !f.assigned.has(p) && !(a.type === 'Identifier' && (f.assigned.has(a.name) || mutable.has(a.name)))) args.set(p, argText(i));
    else binds.push(`${f.assigned.has(p) ? 'let' : 'const'} ${p}${suffix} = ${argText(i)};`);
  });
  const last = f.body[f.body.length - 1];
  const onlyLastReturns = f.returns.length === 0 || (f.returns.length === 1 && f.returns[0] === last);
  const label = `inline${suffix}`;
  const onReturn = returning
    ? null
    : (inner, ret) => {
        const value = inner === null ? (result === null ? '' : `${result} = void 0;`) : result === null ? (isPure(ret.argument) ? '' : `${inner};`) : `${result} = ${inner};`;
        // The last statement falls off the end of the block anyway.
        return ret === last ? value : `{ ${value} break ${label}; }`;
      };
  const body = rewrite(code, f, f.start, f.end, args, suffix, onReturn);
  // `return f(a)` of a body that may end without a return must still return there.
  const end = returning && last?.type !== 'ReturnStatement' ? ' return;' : '';
  const labelled = !onlyLastReturns && !returning;
  // Every name the expansion declares is its own (renamed apart), so in a list of statements it needs no
  // block of its own: XS would enter and leave one at every call.
  const holder = chain[chain.indexOf(stmt) - 1];
  const inList = holder !== undefined && (holder.type === 'BlockStatement' || holder.type === 'Program' || holder.type === 'StaticBlock' || (holder.type === 'SwitchCase' && holder.consequent.includes(stmt)));
  const text = `${binds.join(' ')}${body}${end}`;
  s.overwrite(stmt.start, stmt.end, `${declare}${labelled ? `${label}: { ${text} }` : inList ? text : `{ ${text} }`}`);
  return { start: stmt.start, end: stmt.end };
}

/** Expands every marked function in `code` (a whole module); throws an Error naming the problem. */
export function inlineMarked(code) {
  const fail = (message) => {
    throw new Error(`inline: ${message}`);
  };
  const counter = { value: 0 };
  const marked = new Set();
  let current = code;
  for (let i = 0; i < MAX_PASSES; i++) {
    const r = pass(current, counter, fail, marked);
    if (r === null) return { code: current, inlined: [...marked] };
    current = r.code;
    if (r.done) return { code: current, inlined: [...marked] };
  }
  return fail(`calls of marked functions remain after ${MAX_PASSES} passes (functions that inline each other?)`);
}

/** The rollup plugin: expands marked functions in each rendered chunk. */
export function inlinePlugin() {
  return {
    name: 'mcalloc-inline',
    renderChunk(code) {
      try {
        return { code: inlineMarked(code).code, map: null };
      } catch (e) {
        return this.error(e.message);
      }
    },
  };
}
