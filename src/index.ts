/**
 * mcalloc: a fixed-pool allocator for microcontroller JavaScript. createAllocator() for any number of
 * pools; initAllocator()/allocateMemory()/freeMemory()/destroyAllocator() for the one default pool,
 * configured at compile time in device bundles (targets/*.json).
 */
import { readOptions, settle, takesTlsfPath } from './allocator.js';
import { BUILD_ALIGNMENT, BUILD_MESSAGES, BUILD_POOL_SIZE, BUILD_STRATEGY, BUILD_TRACE } from './build.js';
import { AllocatorError } from './errors.js';
import { CoreAllocator } from './core-allocator.js';
import { TlsfAllocator, WideTlsfAllocator } from './tlsf-allocator.js';
import type { Allocator, AllocatorOptions } from './types.js';

export { AllocatorError } from './errors.js';
export type { AllocatorErrorCode } from './errors.js';
export type { Allocator, AllocatorOptions, AllocatorStats, BlockInfo, InterruptMask, LockName, StrategyName } from './types.js';

/** The path is chosen once, here: release TLSF pools that trace nothing get TlsfAllocator's methods. */
export function createAllocator(options: AllocatorOptions = {}): Allocator {
  const c = settle(options);
  if (!takesTlsfPath(c)) return new CoreAllocator(c);
  return c.alignment === 8 ? new TlsfAllocator(c) : new WideTlsfAllocator(c);
}

/**
 * The default allocator is kept in a global property, set at run time, and not in a module-level `let`:
 * on XS a preloaded module's writable closures and objects stay aliasable, one pointer of RAM each (xsl
 * warns "no const"). The symbol is this copy's own, so two copies of mcalloc never share a default pool.
 */
const DEFAULT = Symbol('mcalloc default allocator');
/** Read at each call: a module-level reference to globalThis would itself be a writable object in flash. */
const slot = () => globalThis as unknown as { [DEFAULT]?: Allocator };

function current(): Allocator {
  const heap = slot()[DEFAULT];
  // A default heap destroyed through its own destroy() is gone too: the facade can be initialised again.
  if (heap === undefined || heap.destroyed) throw new AllocatorError('NOT_INITIALIZED', BUILD_MESSAGES && 'call initAllocator() first');
  return heap;
}

/** Creates the default pool (at run time: a preloaded module cannot hold a writable pool on XS). */
export function initAllocator(options: AllocatorOptions = {}): Allocator {
  const existing = slot()[DEFAULT];
  if (existing !== undefined && !existing.destroyed) throw new AllocatorError('ALREADY_INITIALIZED', BUILD_MESSAGES && 'initAllocator() was already called; destroyAllocator() first');
  // Device bundles of targets with "trace": true print the trace through Moddable's trace(), so a log
  // saved from xsbug or the serial console feeds `mcalloc tune --log`.
  const print = (globalThis as { trace?: (text: string) => void }).trace;
  const traced = BUILD_TRACE && BUILD_STRATEGY !== '' && typeof print === 'function' ? { trace: (line: string) => print(`${line}\n`) } : {};
  // The caller's options are read once (readOptions); a buffer gives the pool its size, so the build's
  // default size is only for a pool made here.
  const given = readOptions(options);
  const sized = given.buffer === undefined ? { poolSize: BUILD_POOL_SIZE } : {};
  const heap = createAllocator({ ...sized, alignment: BUILD_ALIGNMENT, ...traced, ...given });
  slot()[DEFAULT] = heap;
  return heap;
}

export function allocateMemory(size: number): number {
  return current().allocate(size);
}

export function freeMemory(ptr: number): void {
  current().free(ptr);
}

export function destroyAllocator(): void {
  current().destroy();
  delete slot()[DEFAULT];
}

/** The default allocator, for stats() and check() through the facade. */
export function defaultHeap(): Allocator {
  return current();
}
