/**
 * createAllocator()'s options, settled and checked, and the methods every allocator shares. Each public
 * method validates its arguments (a bad argument throws before anything is touched), takes the lock,
 * calls the path, releases the lock: the umm_malloc shape.
 */
import { BUILD_DEBUG, BUILD_LOCK, BUILD_MESSAGES, BUILD_STRATEGY, BUILD_TRACE } from './build.js';
import { usableBytes } from './core.js';
import { checkPool, poolStats, validatePointer, walkBlocks } from './diagnostics.js';
import {
  ALLOCATE_ZEROED, AllocatorError, BYTES, MAX_ALIGNMENT, USABLE_SIZE, checkSize, destroyedError, detachedError, isPowerOfTwo,
} from './errors.js';
import { AtomicsLock } from './locks/atomics.js';
import { InterruptLock, SoftwareMask } from './locks/interrupt.js';
import { LOCK_NAMES, type Lock } from './locks/lock.js';
import { noLock } from './locks/none.js';
import {
  H_CONFIG, H_HEAP_END, H_HEAP_START, H_MAGIC, H_POOL_SIZE, H_VERSION, MAGIC, MAX_POOL, MIN_BLOCK, OVERHEAD,
  VERSION, formatPool, headerBytes, heapEnd, type FreeStructure, type Pool,
} from './pool.js';
import { poison } from './poison.js';
import { STRATEGY_NAMES, STRUCTURES } from './strategies/registry.js';
import type { Allocator, AllocatorOptions, AllocatorStats, BlockInfo, LockName, StrategyName } from './types.js';

/**
 * Every option createAllocator() knows, with the type it takes ('' where the constructor checks the
 * value itself, with a more precise message): anything else is refused by name.
 */
const OPTION_TYPES: Readonly<Record<string, string>> = Object.freeze({
  poolSize: '', buffer: '', alignment: '', attach: 'boolean', reformat: 'boolean', strategy: 'string', lock: 'string',
  debug: 'boolean', interrupts: 'object', trace: 'function',
});

function bad(message: string | false): never {
  throw new AllocatorError('INVALID_OPTIONS', message);
}

/** A device bundle's table holds its target's strategy only (strategies/registry.ts). */
function structureFor(name: string): FreeStructure {
  // Own names only: `toString` or `__proto__` is not a strategy.
  if (STRATEGY_NAMES.indexOf(name as StrategyName) >= 0) return STRUCTURES[name as StrategyName];
  return bad(BUILD_MESSAGES && `strategy must be one of ${STRATEGY_NAMES.join(', ')} (got ${JSON.stringify(name)})`);
}

/** The strategy whose structure has `id` (from a pool header), if this build has it. */
function strategyOfId(id: number): StrategyName | undefined {
  for (const name of STRATEGY_NAMES) if (STRUCTURES[name].id === id) return name;
  return undefined;
}

function lockFor(name: string, m: Int32Array, options: AllocatorOptions): Lock {
  const l = BUILD_LOCK || name;
  if (l === 'none') return noLock;
  if (l === 'interrupt') return new InterruptLock(options.interrupts || new SoftwareMask());
  if (l === 'atomics') return new AtomicsLock(m);
  return bad(BUILD_MESSAGES && `lock must be one of ${LOCK_NAMES.join(', ')} (got ${JSON.stringify(name)})`);
}

/** What a thrown value says, for a message: even a value whose String() throws is described. */
function describeThrown(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return `a ${typeof e} that cannot be printed`;
  }
}

/**
 * Reads every option exactly once, into a plain object that holds the defined ones: a getter or a
 * Proxy trap that throws is INVALID_OPTIONS naming the option (the caller's exception is never passed
 * through), and one that answers differently on a second read cannot change what was checked. Refuses
 * unknown option keys (a typo such as `stratgy` would otherwise be ignored) and wrong types.
 */
export function readOptions(options: unknown): AllocatorOptions {
  if (options === null || typeof options !== 'object') return bad(BUILD_MESSAGES && 'options must be an object');
  const copy: Record<string, unknown> = {};
  let reading = '';
  try {
    for (const key of Object.keys(options)) {
      if (OPTION_TYPES[key] === undefined) bad(BUILD_MESSAGES && `unknown option ${JSON.stringify(key)} (options are ${Object.keys(OPTION_TYPES).join(', ')})`);
    }
    for (const key in OPTION_TYPES) {
      reading = key;
      const value = (options as Record<string, unknown>)[key];
      if (value !== undefined) copy[key] = value;
    }
  } catch (e) {
    if (e instanceof AllocatorError) throw e;
    bad(BUILD_MESSAGES && `${reading ? `reading option ${reading}` : 'reading the option names'} threw: ${describeThrown(e)}`);
  }
  for (const key in copy) {
    const value = copy[key];
    const type = OPTION_TYPES[key];
    if (type !== '' && (typeof value !== type || value === null)) bad(BUILD_MESSAGES && `option ${key} must be a ${type} (got ${value === null ? 'null' : typeof value})`);
  }
  return copy as AllocatorOptions;
}

/**
 * An ArrayBuffer, a SharedArrayBuffer, or a host buffer: on a Moddable device, C memory handed to
 * JavaScript (the static pool, targets/moddable/mcalloc_pool.c), which a typed array views in place.
 * (Given any other object, a typed array copies it into a new buffer of its own.)
 */
function isBuffer(b: unknown): boolean {
  try {
    // An array-like or iterable would be copied, all of its `length`: refused before a view is tried.
    // No instanceof: a Proxy of an ArrayBuffer passes it, and then its byteLength getter throws.
    if (typeof b !== 'object' || b === null || 'length' in b || Symbol.iterator in b) return false;
    return new Uint8Array(b as ArrayBuffer, 0, 0).buffer === b;
  } catch {
    return false;
  }
}

/** Whether `buffer` is a SharedArrayBuffer, which other threads can reach (a Proxy of one is not). */
export function isShared(buffer: unknown): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer !== undefined && Object.getPrototypeOf(buffer) === SharedArrayBuffer.prototype;
}

/** A new pool: a SharedArrayBuffer when other threads are to share it (the atomics lock). */
function reserve(poolSize: number, shared: boolean): Int32Array {
  try {
    return new Int32Array(shared ? new SharedArrayBuffer(poolSize) : new ArrayBuffer(poolSize), 0, poolSize >> 2);
  } catch {
    return bad(BUILD_MESSAGES && `could not reserve a pool of ${poolSize} bytes`);
  }
}

/** What the options of createAllocator() settle to once every one is checked; the pool exists. */
export interface Settings {
  readonly m: Int32Array;
  readonly s: FreeStructure;
  readonly strategy: StrategyName;
  readonly lock: LockName;
  readonly poolSize: number;
  readonly alignment: number;
  readonly debug: boolean;
  readonly attach: boolean;
  readonly options: AllocatorOptions;
}

/**
 * Checks every option (INVALID_OPTIONS naming it), then reserves the pool: nothing is made or written
 * before all of them are known to be good.
 */
export function settle(given: AllocatorOptions = {}): Settings {
  // From here on only the copy is read.
  const options = readOptions(given);
  const { buffer, attach = false } = options;
  let poolSize: number;
  if (buffer !== undefined) {
    if (!isBuffer(buffer)) bad(BUILD_MESSAGES && 'buffer must be an ArrayBuffer or a SharedArrayBuffer');
    // A detached buffer reads as 0 bytes: refused below as too small, before a view is made of it.
    poolSize = buffer.byteLength & ~7;
    if (options.poolSize !== undefined && options.poolSize !== poolSize) {
      bad(BUILD_MESSAGES && `poolSize ${String(options.poolSize)} and a buffer of ${buffer.byteLength} bytes (a ${poolSize}-byte pool) disagree: give one, or the same size`);
    }
  } else {
    if (attach) bad(BUILD_MESSAGES && 'attach needs the buffer of an initialised pool');
    poolSize = options.poolSize === undefined ? 65536 : options.poolSize;
    if (typeof poolSize !== 'number' || !Number.isInteger(poolSize)) bad(BUILD_MESSAGES && `poolSize must be an integer (got ${String(poolSize)})`);
  }
  if (poolSize > MAX_POOL) bad(BUILD_MESSAGES && `poolSize ${poolSize} is over the limit of ${MAX_POOL} bytes (offsets are 32-bit words)`);
  const alignment = options.alignment === undefined ? 8 : options.alignment;
  if (!isPowerOfTwo(alignment) || alignment > MAX_ALIGNMENT) bad(BUILD_MESSAGES && `alignment must be a power of two up to ${MAX_ALIGNMENT} (got ${String(alignment)})`);
  if (BUILD_TRACE && options.trace !== undefined && typeof options.trace !== 'function') bad(BUILD_MESSAGES && 'trace must be a function');
  if ((BUILD_LOCK === '' || BUILD_LOCK === 'interrupt') && options.interrupts !== undefined && (typeof options.interrupts !== 'object' || typeof options.interrupts.disable !== 'function' || typeof options.interrupts.restore !== 'function')) {
    bad(BUILD_MESSAGES && 'interrupts must have disable() and restore(state)');
  }
  let strategy = options.strategy;
  let debug = BUILD_DEBUG === 2 ? options.debug === true : BUILD_DEBUG === 1;
  if (BUILD_DEBUG !== 2 && options.debug !== undefined && options.debug !== (BUILD_DEBUG === 1)) {
    bad(BUILD_MESSAGES && `this build is ${BUILD_DEBUG === 1 ? 'debug' : 'release'} only`);
  }
  if (buffer !== undefined && poolSize < MIN_BLOCK * 4) bad(BUILD_MESSAGES && `buffer has ${buffer.byteLength} bytes: too small for a pool (or detached)`);
  let m = buffer !== undefined ? new Int32Array(buffer, 0, poolSize >> 2) : null;
  if (attach && options.reformat) bad(BUILD_MESSAGES && 'attach and reformat contradict each other: attach uses the pool in the buffer, reformat wipes it');
  // Formatting a pool that another allocator (maybe in another Worker) still uses would hand its live
  // blocks out again: only on request. destroy() of the allocator that formatted it clears the magic.
  if (m !== null && !attach && !options.reformat && m[H_MAGIC] === MAGIC) {
    bad(BUILD_MESSAGES && 'the buffer holds an mcalloc pool that was not destroyed: attach: true to share it, or reformat: true to wipe it');
  }
  /** The lock an attached pool was formatted with, when its header records one. */
  let poolLock: LockName | undefined;
  if (m !== null && attach) {
    // Only a shared pool is attached to: bundles built with another lock leave the code out.
    if (BUILD_LOCK !== '' && BUILD_LOCK !== 'atomics') bad(BUILD_MESSAGES && 'attach needs a build with the atomics lock');
    else {
      if (m.length < 8 || m[H_MAGIC] !== MAGIC) bad(BUILD_MESSAGES && 'attach: the buffer holds no mcalloc pool');
      if (m[H_VERSION] !== VERSION) bad(BUILD_MESSAGES && `attach: pool layout version ${m[H_VERSION]}, this code reads version ${VERSION}`);
      if (m[H_POOL_SIZE] > buffer!.byteLength) bad(BUILD_MESSAGES && 'attach: the pool header claims more bytes than the buffer has');
      const named = strategyOfId(m[H_CONFIG] & 0xff);
      if (named === undefined) bad(BUILD_MESSAGES && `attach: the pool header names strategy id ${m[H_CONFIG] & 0xff}, which this ${BUILD_STRATEGY ? 'bundle' : 'library'} does not have`);
      if (strategy !== undefined && strategy !== named) bad(BUILD_MESSAGES && `attach: the pool uses ${named}, not ${strategy}`);
      strategy = named;
      poolLock = LOCK_NAMES[((m[H_CONFIG] >>> 24) & 3) - 1];
      debug = (m[H_CONFIG] & (1 << 8)) !== 0;
      if (BUILD_DEBUG !== 2 && debug !== (BUILD_DEBUG === 1)) bad(BUILD_MESSAGES && `attach: the pool is ${debug ? 'debug' : 'release'}, this build is not`);
      poolSize = m[H_POOL_SIZE];
      // Allocators that share a pool keep its statistics in its header (tlsf-allocator.ts): only a
      // pool in a SharedArrayBuffer is made for that, one in an ArrayBuffer has one allocator.
      if (!isShared(buffer)) bad(BUILD_MESSAGES && 'attach shares a pool between threads: it needs the pool in a SharedArrayBuffer (this one is in an ArrayBuffer, which has one allocator)');
      // The bounds are kept in this allocator from here on: they must be those the layout implies.
      if (poolSize < 0 || m[H_HEAP_START] !== headerBytes(structureFor(named!), poolSize) || m[H_HEAP_END] !== heapEnd(poolSize)) {
        bad(BUILD_MESSAGES && 'attach: the pool header is damaged (heap bounds do not match its size)');
      }
    }
  }
  if (strategy === undefined) strategy = (BUILD_STRATEGY || 'tlsf') as StrategyName;
  if (BUILD_STRATEGY && strategy !== BUILD_STRATEGY) bad(BUILD_MESSAGES && `this bundle was built with the ${BUILD_STRATEGY} strategy only (got ${JSON.stringify(strategy)})`);
  const s = structureFor(strategy);
  const lock = options.lock === undefined ? (poolLock || (BUILD_LOCK || 'none') as LockName) : options.lock;
  if (BUILD_LOCK === '' && LOCK_NAMES.indexOf(lock) < 0) bad(BUILD_MESSAGES && `lock must be one of ${LOCK_NAMES.join(', ')} (got ${JSON.stringify(lock)})`);
  // Allocators that share a pool must share its lock: one without it corrupts the pool within seconds.
  if (poolLock !== undefined && lock !== poolLock) bad(BUILD_MESSAGES && `attach: the pool uses the ${poolLock} lock, not ${lock}`);
  // The atomics lock exists for pools that other threads reach, and only a SharedArrayBuffer can be
  // reached: on an ArrayBuffer it locks nothing, and XS's Atomics refuse a host buffer such as the
  // static pool (test:moddable: "not a SharedArrayBuffer instance"). Said here, not at the first call.
  const shared = isShared(buffer);
  if (lock === 'atomics' && buffer !== undefined && !shared) {
    bad(BUILD_MESSAGES && 'the atomics lock needs a SharedArrayBuffer pool: an ArrayBuffer is seen by no other thread, and Atomics do not work on a host buffer such as the static pool');
  }
  if (lock === 'atomics' && buffer === undefined && typeof SharedArrayBuffer === 'undefined') {
    bad(BUILD_MESSAGES && 'the atomics lock needs a SharedArrayBuffer, which this engine does not have');
  }
  if (BUILD_LOCK && lock !== BUILD_LOCK) bad(BUILD_MESSAGES && `this bundle was built with the ${BUILD_LOCK} lock only (got ${JSON.stringify(lock)})`);
  const minimum = headerBytes(s, Math.max(poolSize, 0)) + MIN_BLOCK + OVERHEAD;
  if (poolSize < minimum) bad(BUILD_MESSAGES && `poolSize must be at least ${minimum} bytes for ${strategy} (got ${poolSize})`);
  // Every allocate() pays the default alignment: at most a quarter of the heap keeps room for blocks
  // (an aligned block needs `alignment + 16` spare bytes while it is placed).
  const heap = heapEnd(poolSize) - headerBytes(s, poolSize);
  if (alignment > heap / 4) bad(BUILD_MESSAGES && `alignment ${alignment} leaves no room in a ${heap}-byte heap: the default alignment must be at most a quarter of the heap`);
  if (m === null) {
    // Reserved only once every option is known to be good.
    m = reserve(poolSize, lock === 'atomics');
  }
  return { m, s, strategy, lock, poolSize, alignment: Math.max(alignment, 8), debug, attach, options };
}

/** The usable size of the block `ptr` names (validatePointer's refusal names `call`). */
function usableOf(P: Pool, ptr: number, call: number): number {
  return usableBytes(P, validatePointer(P, ptr, call));
}

/**
 * Whether the settled pool takes TlsfAllocator (tlsf-allocator.ts): every release TLSF pool that
 * traces nothing. Debug pools (poison, canaries) and traced ones take CoreAllocator. Device bundles
 * fold the build constants: one with neither debug nor trace has no CoreAllocator.
 */
export function takesTlsfPath(c: Settings): boolean {
  return (BUILD_STRATEGY === 'tlsf' || (BUILD_STRATEGY === '' && c.strategy === 'tlsf'))
    && (BUILD_DEBUG === 0 || (BUILD_DEBUG === 2 && !c.debug)) && (!BUILD_TRACE || c.options.trace === undefined);
}

/**
 * What every allocator does the same way: the pool's lifetime, the lock, the read-only calls. The
 * path of allocate, free and reallocate is a subclass's: core-allocator.ts (any strategy, through its
 * free structure) or tlsf-allocator.ts.
 */
export abstract class PoolAllocator implements Allocator {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly strategy: StrategyName;
  readonly lock: LockName;
  readonly poolSize: number;
  protected P: Pool | null;
  protected readonly L: Lock;
  /** The pool's alignment (at least 8): that of every allocate(). */
  readonly alignment: number;
  /** Whether this allocator formatted the pool (not attached to it): its destroy() releases the buffer. */
  private readonly formatted: boolean;

  constructor(c: Settings) {
    const { m, s, poolSize, options } = c;
    // P first: XS finds an object's properties in the order they were made, and every call reads it.
    this.P = { m, start: headerBytes(s, poolSize), end: heapEnd(poolSize), u8: new Uint8Array(m.buffer, 0, poolSize), s, debug: BUILD_DEBUG !== 0 && c.debug };
    this.L = lockFor(c.lock, m, options);
    this.buffer = m.buffer;
    this.strategy = c.strategy;
    this.lock = c.lock;
    this.poolSize = poolSize;
    this.alignment = c.alignment;
    this.formatted = !c.attach;
    if (!c.attach) this.format();
  }

  abstract allocate(size: number, alignment?: number): number;
  abstract reallocate(ptr: number, size: number): number;
  abstract free(ptr: number): void;

  get destroyed(): boolean {
    return this.P === null;
  }

  private pool(): Pool {
    const P = this.P;
    if (P === null) return destroyedError();
    if (P.m.length === 0) return detachedError();
    return P;
  }

  private format(): void {
    const P = this.pool();
    const salt = (Math.random() * 0x100000000) | 1;
    const token = this.L.enter();
    try {
      formatPool(P, this.poolSize, 31 - Math.clz32(this.alignment), LOCK_NAMES.indexOf(this.lock) + 1, salt);
      if (BUILD_DEBUG !== 0 && P.debug) poison(P, P.start + 12, P.end - 4);
    } finally {
      this.L.leave(token);
    }
  }

  allocateZeroed(count: number, size: number): number {
    const P = this.pool();
    checkSize(count, Infinity, ALLOCATE_ZEROED);
    checkSize(size, Infinity, ALLOCATE_ZEROED);
    const total = count * size;
    if (total > this.poolSize) {
      throw new AllocatorError('INVALID_SIZE', BUILD_MESSAGES && `allocateZeroed: ${count} × ${size} = ${total} bytes is larger than the ${this.poolSize}-byte pool`);
    }
    const p = this.allocate(total);
    if (p !== 0) P.u8.fill(0, p, p + total);
    return p;
  }

  usableSize(ptr: number): number {
    return this.usable(ptr, USABLE_SIZE);
  }

  bytes(ptr: number): Uint8Array {
    return new Uint8Array(this.buffer, ptr, this.usable(ptr, BYTES));
  }

  /**
   * read(P, a, b) on this pool under the lock, for the calls that only read the pool. `read` is a module
   * function, not a closure: a call makes no function on XS.
   */
  private locked<T>(read: (P: Pool, a: number, b: number) => T, a: number, b: number): T {
    const P = this.pool();
    const token = this.L.enter();
    try {
      return read(P, a, b);
    } finally {
      this.L.leave(token);
    }
  }

  /** The usable size of a block, for usableSize() or bytes(): `call` names the one a refusal reports. */
  protected usable(ptr: number, call: number): number {
    return this.locked(usableOf, ptr, call);
  }

  stats(): AllocatorStats {
    return this.locked(poolStats, 0, 0);
  }

  check(): void {
    this.locked(checkPool, 0, 0);
  }

  blocks(): IterableIterator<BlockInfo> {
    // A snapshot taken under the lock, so a heap map never sees a half-done update.
    return this.locked(walkBlocks, 0, 0)[Symbol.iterator]();
  }

  reset(): void {
    this.format();
  }

  destroy(): void {
    const P = this.P;
    if (P === null) return destroyedError();
    // The allocator that formatted the pool releases the buffer: it may be formatted again. An attached
    // one leaves the pool to the others; a detached buffer has nothing left to clear.
    if (this.formatted && P.m.length !== 0) P.m[H_MAGIC] = 0;
    this.P = null;
  }
}
