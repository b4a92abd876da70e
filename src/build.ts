/**
 * Compile-time configuration. Device bundles are built by rollup with @rollup/plugin-replace
 * substituting these globals by literals (from targets/<name>.json); terser then folds the tests
 * below and drops the code of every strategy and lock the target does not use. In the Node library
 * build nothing is replaced, `typeof` of an undeclared global is 'undefined', and everything is
 * chosen at run time from the options.
 */
declare const __MCALLOC_STRATEGY__: string;
declare const __MCALLOC_LOCK__: string;
declare const __MCALLOC_DEBUG__: boolean;
declare const __MCALLOC_POOL_SIZE__: number;
declare const __MCALLOC_ALIGNMENT__: number;
declare const __MCALLOC_PREEMPT__: boolean;
declare const __MCALLOC_TRACE__: boolean;

/** '' when the strategy is chosen at run time. */
export const BUILD_STRATEGY: string = typeof __MCALLOC_STRATEGY__ === 'string' ? __MCALLOC_STRATEGY__ : '';
/** '' when the lock is chosen at run time. */
export const BUILD_LOCK: string = typeof __MCALLOC_LOCK__ === 'string' ? __MCALLOC_LOCK__ : '';
/** 0: release only, 1: debug only, 2: chosen at run time. */
export const BUILD_DEBUG: number = typeof __MCALLOC_DEBUG__ === 'boolean' ? (__MCALLOC_DEBUG__ ? 1 : 0) : 2;
export const BUILD_POOL_SIZE: number = typeof __MCALLOC_POOL_SIZE__ === 'number' ? __MCALLOC_POOL_SIZE__ : 65536;
export const BUILD_ALIGNMENT: number = typeof __MCALLOC_ALIGNMENT__ === 'number' ? __MCALLOC_ALIGNMENT__ : 8;
/** Preemption points inside the core, where the simulator may deliver a pending interrupt. */
export const BUILD_PREEMPT: boolean = typeof __MCALLOC_PREEMPT__ === 'boolean' ? __MCALLOC_PREEMPT__ : true;
/** Trace lines through the `trace` option (and Moddable's trace() on device). */
export const BUILD_TRACE: boolean = typeof __MCALLOC_TRACE__ === 'boolean' ? __MCALLOC_TRACE__ : true;
/**
 * Whether a TLSF pool of this build can take the generic core (core-allocator.ts): debug pools and
 * traced ones do. Without it TLSF's find() is not in the bundle: TlsfAllocator searches by itself.
 */
export const BUILD_GENERIC_TLSF: boolean = BUILD_DEBUG !== 0 || BUILD_TRACE;
/**
 * Error messages with details (offsets, sizes, reasons). Release device bundles keep only the error
 * codes, which saves a third of the bundle; the Node build and debug bundles say everything.
 */
export const BUILD_MESSAGES: boolean = BUILD_DEBUG !== 0 || BUILD_STRATEGY === '';

/**
 * Frozen in device bundles: xsl preloads them into flash, where a writable object is aliasable and costs
 * RAM (xsl warns "not frozen"). The Node library leaves them writable for the tuner's instrumentation
 * (sim/tune/cost.ts counts the pool words each strategy method reads).
 */
export function frozenOnDevice<T>(o: T): T {
  return BUILD_STRATEGY !== '' ? Object.freeze(o) : o;
}
