/**
 * A call for every error code, as plain ES2018 script text (the body of a function that finds the
 * allocator module as `mcalloc`), so that Node, Node with frozen built-ins (test/frozen-builtins) and
 * SDK-built XS with the bundle preloaded (test:moddable) run exactly the same characters. Each case
 * reports what was thrown: its name, code, message, whether it is an AllocatorError and an Error.
 *
 * LOCK_TIMEOUT is not swept: it takes a lock held for about a minute (test/locks covers it; its error
 * is made by the same constructor as every other).
 */

export interface SweepCase {
  /** The code the call must throw. */
  expect: string;
  what: string;
  threw: boolean;
  typed: boolean;
  isError: boolean;
  name: string;
  code: string;
  message: string;
}

/**
 * The codes the sweep triggers: every AllocatorErrorCode but LOCK_TIMEOUT, and but BUFFER_DETACHED
 * with the atomics lock, whose SharedArrayBuffer cannot be detached (sweptCodes).
 */
export const SWEPT_CODES = [
  'INVALID_OPTIONS', 'INVALID_SIZE', 'INVALID_ALIGNMENT', 'INVALID_POINTER', 'DOUBLE_FREE', 'HEAP_CORRUPTED',
  'DESTROYED', 'BUFFER_DETACHED', 'NOT_INITIALIZED', 'ALREADY_INITIALIZED',
] as const;

/** What the sweep of a pool with this lock triggers. */
export function sweptCodes(lock: string): string[] {
  return SWEPT_CODES.filter((c) => lock !== 'atomics' || c !== 'BUFFER_DETACHED');
}

/** Script text: evaluates to an array of SweepCase. `options` are merged into every createAllocator call. */
export function errorSweepScript(options: { poolSize: number; strategy: string; lock: string; debug: boolean }): string {
  return `
const OPTIONS = ${JSON.stringify({ strategy: options.strategy, lock: options.lock, debug: options.debug })};
const POOL = ${options.poolSize};
const out = [];
function sweep(expect, what, f) {
  const c = { expect, what, threw: false, typed: false, isError: false, name: "", code: "", message: "" };
  try {
    f();
  } catch (e) {
    c.threw = true;
    c.typed = e instanceof mcalloc.AllocatorError;
    c.isError = e instanceof Error;
    c.name = String(e && e.name);
    c.code = String(e && e.code);
    c.message = String(e && e.message);
  }
  out.push(c);
}
const make = (more) => mcalloc.createAllocator(Object.assign({ poolSize: POOL }, OPTIONS, more || {}));
sweep("INVALID_OPTIONS", "createAllocator with a misspelt option", () => make({ stratgy: "tlsf" }));
sweep("INVALID_OPTIONS", "createAllocator with a negative poolSize", () => make({ poolSize: -1 }));
const heap = make();
sweep("INVALID_SIZE", "allocate(-1)", () => heap.allocate(-1));
sweep("INVALID_SIZE", "allocate(1.5)", () => heap.allocate(1.5));
sweep("INVALID_SIZE", "reallocate to a size larger than the pool", () => heap.reallocate(0, POOL + 8));
sweep("INVALID_ALIGNMENT", "allocate(8, 3)", () => heap.allocate(8, 3));
sweep("INVALID_POINTER", "free of an offset never returned", () => heap.free(POOL >> 1));
sweep("INVALID_POINTER", "free of a string", () => heap.free("8"));
// 136 bytes: above what TLSF cuts from the top's far end, so p, q and r follow each other in every strategy.
const p = heap.allocate(136);
const q = heap.allocate(136);
const r = heap.allocate(136);
heap.free(p);
sweep("DOUBLE_FREE", "free twice", () => heap.free(p));
// A stray write over the check word of the block after q: freeing q must refuse to merge with it.
new Int32Array(heap.buffer)[(r - 8) >> 2] = 12345;
sweep("HEAP_CORRUPTED", "free next to an overwritten block", () => heap.free(q));
sweep("HEAP_CORRUPTED", "check() after the stray write", () => heap.check());
heap.destroy();
sweep("DESTROYED", "allocate after destroy", () => heap.allocate(8));
sweep("DESTROYED", "free after destroy", () => heap.free(q));
const moved = make();
if (moved.lock !== "atomics") {
  // Detached the way the engine can: ArrayBuffer.prototype.transfer (XS), else structuredClone (Node 20).
  const kept = moved.allocate(24);
  if (typeof moved.buffer.transfer === "function") moved.buffer.transfer();
  else structuredClone(moved.buffer, { transfer: [moved.buffer] });
  sweep("BUFFER_DETACHED", "allocate after the buffer was transferred", () => moved.allocate(8));
  sweep("BUFFER_DETACHED", "free after the buffer was transferred", () => moved.free(kept));
}
moved.destroy();
try { mcalloc.destroyAllocator(); } catch (e) {}
sweep("NOT_INITIALIZED", "allocateMemory before initAllocator", () => mcalloc.allocateMemory(8));
mcalloc.initAllocator(Object.assign({ poolSize: POOL }, OPTIONS));
sweep("ALREADY_INITIALIZED", "initAllocator twice", () => mcalloc.initAllocator(Object.assign({ poolSize: POOL }, OPTIONS)));
mcalloc.destroyAllocator();
return out;
`;
}

/** Runs the sweep on a module in this engine. */
export function runSweepInNode(script: string, mcalloc: unknown): SweepCase[] {
  return new Function('mcalloc', `"use strict";\n${script}`)(mcalloc) as SweepCase[];
}
