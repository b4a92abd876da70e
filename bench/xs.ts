/**
 * Run a device bundle in the real XS engine (Moddable's, as built by @agoric/xsnap) from a Node test.
 *
 *   const { result, compute } = await runInXS(bundleSource, `
 *     const heap = mcalloc.createAllocator({ poolSize: 4096 });
 *     return heap.allocate(100);
 *   `);
 *
 * How it works:
 *  - xsnap evaluates scripts, not modules. esmToScript() turns the ES module bundle into a script with
 *    acorn: the `export` keywords / `export { a as b }` lists are cut out, the body is wrapped in a strict
 *    function (module scope stays private, `this` stays undefined), and the exports become getters of
 *    `globalThis.<globalName>` (live bindings, like a module namespace). The shipped bytes are what runs:
 *    no second IIFE build that could differ from dist/targets/<name>/mcalloc.js. A bundle that imports
 *    anything, re-exports from another module or uses import.meta is refused (a device bundle must be
 *    self-contained).
 *  - The test script is the body of a strict function; its return value (or the value its returned
 *    promise settles to, before XS's job queue is empty) must be JSON-serialisable. It comes back through
 *    xsnap's reply channel: the evaluation returns `{ result: ArrayBuffer }` holding the JSON text.
 *    An exception in XS rejects with an XSError carrying the XS message and stack.
 *  - `compute` is xsnap's meterUsage.compute for the script's evaluation (XS's own count of executed
 *    byte-code work: deterministic, unlike wall time), the bundle's load not included.
 *  - @agoric/xsnap needs SES (`import '@endo/init'`), which freezes every built-in of its realm, so it
 *    runs in a child Node process (xs-host.mjs), shared by all sessions of one test worker and
 *    started on first use; nothing here changes the realm the tests run in. Each session is its own
 *    xsnap worker (a separate XS machine and OS process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { parse } from 'acorn';

export interface MeterUsage {
  meterType: string;
  compute: number | null;
  allocate: number | null;
  currentHeapCount: number | null;
  timestamps: number[] | null;
}

export interface XSRun<T = unknown> {
  result: T;
  /** meterUsage.compute of the script's evaluation. */
  compute: number;
  meterUsage: MeterUsage;
}

export interface XSOptions {
  /** Kill the XS worker if one evaluation computes more than this (0, the default: no limit). */
  meteringLimit?: number;
  /** Show the XS machine's print() output on stderr (default false). */
  output?: boolean;
}

/** An exception thrown inside XS (or an XS worker that died). */
export class XSError extends Error {
  readonly xsStack: string | undefined;
  constructor(message: string, xsStack?: string) {
    super(message);
    this.name = 'XSError';
    this.xsStack = xsStack;
  }
}

// ---------------------------------------------------------------------------------------------------
// ES module bundle -> script

interface AnyNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AnyNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

function walk(node: AnyNode, visit: (node: AnyNode) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit);
    } else if (isNode(value)) {
      walk(value, visit);
    }
  }
}

/** The names a declaration binds (`const { a, b: [c] } = ...` binds a and c). */
function boundNames(node: AnyNode, names: string[] = []): string[] {
  switch (node.type) {
    case 'Identifier':
      names.push(node.name as string);
      break;
    case 'VariableDeclaration':
      for (const d of node.declarations as AnyNode[]) boundNames(d.id as AnyNode, names);
      break;
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
      boundNames(node.id as AnyNode, names);
      break;
    case 'ObjectPattern':
      for (const p of node.properties as AnyNode[]) boundNames((p.type === 'RestElement' ? p.argument : p.value) as AnyNode, names);
      break;
    case 'ArrayPattern':
      for (const e of node.elements as (AnyNode | null)[]) if (e) boundNames(e, names);
      break;
    case 'RestElement':
      boundNames(node.argument as AnyNode, names);
      break;
    case 'AssignmentPattern':
      boundNames(node.left as AnyNode, names);
      break;
    default:
      throw new Error(`esmToScript: unexpected binding ${node.type}`);
  }
  return names;
}

const exportedName = (node: AnyNode): string =>
  node.type === 'Identifier' ? (node.name as string) : String(node.value);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Turns a self-contained ES module into a script that defines `globalThis[globalName]`, an object with a
 * getter per export. Throws on imports, re-exports and import.meta.
 */
export function esmToScript(source: string, globalName = 'mcalloc'): string {
  if (!IDENTIFIER.test(globalName)) throw new Error(`esmToScript: bad global name ${JSON.stringify(globalName)}`);
  const program = parse(source, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AnyNode;
  const edits: { start: number; end: number; text: string }[] = [];
  const exports = new Map<string, string>(); // exported name -> local name
  const DEFAULT_LOCAL = '__esm_default__';

  walk(program, (node) => {
    if (node.type === 'MetaProperty' && (node.meta as AnyNode).name === 'import') {
      throw new Error(`esmToScript: the bundle uses import.meta (offset ${node.start})`);
    }
    if (node.type === 'ImportExpression') throw new Error(`esmToScript: the bundle uses import() (offset ${node.start})`);
  });

  for (const node of program.body as AnyNode[]) {
    switch (node.type) {
      case 'ImportDeclaration':
        throw new Error(`esmToScript: the bundle imports ${JSON.stringify((node.source as AnyNode).value)}; it must be self-contained`);
      case 'ExportAllDeclaration':
        throw new Error(`esmToScript: the bundle re-exports ${JSON.stringify((node.source as AnyNode).value)}; it must be self-contained`);
      case 'ExportNamedDeclaration': {
        if (node.source) {
          throw new Error(`esmToScript: the bundle re-exports from ${JSON.stringify((node.source as AnyNode).value)}; it must be self-contained`);
        }
        const declaration = node.declaration as AnyNode | null;
        if (declaration) {
          edits.push({ start: node.start, end: declaration.start, text: '' }); // `export `
          for (const name of boundNames(declaration)) exports.set(name, name);
        } else {
          edits.push({ start: node.start, end: node.end, text: '' });
          for (const spec of node.specifiers as AnyNode[]) {
            exports.set(exportedName(spec.exported as AnyNode), exportedName(spec.local as AnyNode));
          }
        }
        break;
      }
      case 'ExportDefaultDeclaration': {
        const declaration = node.declaration as AnyNode;
        const named = (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
        if (named) {
          edits.push({ start: node.start, end: declaration.start, text: '' });
          exports.set('default', (declaration.id as AnyNode).name as string);
        } else {
          edits.push({ start: node.start, end: declaration.start, text: `const ${DEFAULT_LOCAL} = (` });
          edits.push({ start: declaration.end, end: node.end, text: ');' });
          exports.set('default', DEFAULT_LOCAL);
        }
        break;
      }
      default:
        break;
    }
  }

  let body = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  }
  const getters = [...exports].map(([exported, local]) => `get ${JSON.stringify(exported)}() { return ${local}; }`);
  return [
    `globalThis.${globalName} = (function () {`,
    `'use strict';`,
    body,
    `;return Object.freeze({ __proto__: null, ${getters.join(', ')} });`,
    `})();`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The host process (one per test worker, shared)

interface HostAnswer {
  id: number;
  ok: boolean;
  error?: string;
  worker?: number;
  reply?: string;
  meterUsage?: MeterUsage;
}

const HOST_SCRIPT = fileURLToPath(new URL('./xs-host.mjs', import.meta.url));
const STDERR_TAIL = 4000;

class Host {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (a: HostAnswer) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private buffered = '';
  private stderrTail = '';
  private exited: Error | undefined;
  echoStderr = false;

  constructor() {
    // fd 0: requests; fd 1: the XS workers' print() output, to our stderr; fd 2: diagnostics; fd 3: answers.
    this.child = spawn(process.execPath, [HOST_SCRIPT], {
      stdio: ['pipe', 2, 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const answers = this.child.stdio[3] as Readable;
    answers.setEncoding('utf8');
    answers.on('data', (chunk: string) => this.receive(chunk));
    const stderr = this.child.stderr as Readable;
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      if (this.echoStderr) process.stderr.write(chunk);
    });
    this.child.on('error', (e) => this.fail(e));
    this.child.on('exit', (code, signal) => {
      this.fail(new Error(`xs-host exited (${signal ?? `code ${code}`})`));
    });
    this.idle();
  }

  private fail(error: Error): void {
    if (this.exited === undefined) {
      const tail = this.stderrTail.trim();
      this.exited = new XSError(tail ? `${error.message}\n${tail}` : error.message);
    }
    for (const { reject } of this.pending.values()) reject(this.exited);
    this.pending.clear();
    if (host === this) host = undefined;
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const answer = JSON.parse(line) as HostAnswer;
      const waiter = this.pending.get(answer.id);
      if (waiter === undefined) continue;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.idle();
      if (answer.ok) waiter.resolve(answer);
      else waiter.reject(new XSError(answer.error ?? 'xs-host: unknown error'));
    }
  }

  /** While no request is pending the host must not keep the test process alive. */
  private idle(): void {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stderr, this.child.stdio[3]]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
  }

  private busy(): void {
    this.child.ref();
    for (const stream of [this.child.stdin, this.child.stderr, this.child.stdio[3]]) {
      (stream as unknown as { ref?: () => void } | null)?.ref?.();
    }
  }

  request(message: Record<string, unknown>): Promise<HostAnswer> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<HostAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.busy();
      (this.child.stdin as Writable).write(`${JSON.stringify({ ...message, id })}\n`);
    });
  }

  end(): void {
    this.child.stdin?.end();
  }
}

let host: Host | undefined;

function getHost(): Host {
  host ??= new Host();
  return host;
}

/** Ends the shared host process (it also ends by itself when the test process exits). */
export function closeXSHost(): void {
  host?.end();
  host = undefined;
}

// ---------------------------------------------------------------------------------------------------
// Sessions

function wrapScript(script: string): string {
  // Parsed by XS as the body of a strict function: a syntax error surfaces as an XSError.
  return `(function () {
  const report = {};
  const encode = (v) => new TextEncoder().encode(JSON.stringify(v)).buffer;
  const failure = (e) => encode({ ok: false, error: String(e), stack: e && typeof e === 'object' ? String(e.stack) : undefined });
  const success = (v) => {
    try { return encode(v === undefined ? { ok: true, undefined: true } : { ok: true, value: v }); }
    catch (e) { return failure(e); }
  };
  let value;
  try {
    value = (function () {
      'use strict';
${script}
    })();
  } catch (e) {
    report.result = failure(e);
    return report;
  }
  Promise.resolve(value).then((v) => { report.result = success(v); }, (e) => { report.result = failure(e); });
  return report;
})()`;
}

export interface XSSession {
  /** Evaluates raw script text in XS (a global script); the reply is the UTF-8 text of a returned ArrayBuffer. */
  evaluate(code: string): Promise<{ reply: string; meterUsage: MeterUsage }>;
  /** Loads an ES module bundle (see esmToScript) as `globalThis[globalName]`; returns the compute of the load. */
  load(bundleSource: string, globalName?: string): Promise<{ compute: number }>;
  /** Runs a script (the body of a strict function) and returns its JSON-serialisable result. */
  run<T = unknown>(script: string): Promise<XSRun<T>>;
  close(): Promise<void>;
}

/** Opens one XS machine (an xsnap worker). Close it when done. */
export async function openXS(options: XSOptions = {}): Promise<XSSession> {
  const h = getHost();
  if (options.output) h.echoStderr = true;
  const { worker } = await h.request({ op: 'open', meteringLimit: options.meteringLimit ?? 0, output: options.output ?? false });
  let closed = false;

  const evaluate = async (code: string) => {
    if (closed) throw new XSError('XS session closed');
    const answer = await h.request({ op: 'evaluate', worker, code });
    return { reply: answer.reply ?? '', meterUsage: answer.meterUsage as MeterUsage };
  };

  return {
    evaluate,
    async load(bundleSource, globalName = 'mcalloc') {
      const { meterUsage } = await evaluate(esmToScript(bundleSource, globalName));
      return { compute: meterUsage.compute ?? 0 };
    },
    async run<T>(script: string): Promise<XSRun<T>> {
      const { reply, meterUsage } = await evaluate(wrapScript(script));
      if (reply === '') throw new XSError('XS: the script returned a promise that did not settle before the job queue was empty');
      const outcome = JSON.parse(reply) as { ok: boolean; value?: T; undefined?: boolean; error?: string; stack?: string };
      if (!outcome.ok) throw new XSError(`XS: ${outcome.error}`, outcome.stack);
      return { result: outcome.undefined ? (undefined as T) : (outcome.value as T), compute: meterUsage.compute ?? 0, meterUsage };
    },
    async close() {
      if (closed) return;
      closed = true;
      await h.request({ op: 'close', worker }).catch(() => undefined);
    },
  };
}

/**
 * Loads `bundleSource` (an ES module, e.g. dist/targets/esp32/mcalloc.js) into a fresh XS machine as
 * `globalThis.mcalloc`, runs `script` (the body of a strict function) and returns its result and the
 * compute it took. The machine is closed afterwards.
 */
export async function runInXS<T = unknown>(
  bundleSource: string,
  script: string,
  options: XSOptions & { globalName?: string } = {},
): Promise<XSRun<T> & { loadCompute: number }> {
  const session = await openXS(options);
  try {
    const { compute: loadCompute } = await session.load(bundleSource, options.globalName ?? 'mcalloc');
    return { ...(await session.run<T>(script)), loadCompute };
  } finally {
    await session.close();
  }
}
