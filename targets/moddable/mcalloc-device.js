/*
 * "mcalloc" on Moddable: the target's bundle ("mcalloc/bundle": dist/targets/<target>/mcalloc.js, picked
 * per platform by manifest.json) with the native interrupt mask ("mcalloc/irq", mcalloc_irq.c) as the
 * default `interrupts` of the interrupt lock: the bundle itself would fall back to a software counter.
 * initAllocator()'s default pool is the static pool ("mcalloc/pool", mcalloc_pool.c): C memory sized
 * by the manifest's defines.mcalloc.pool_size, outside the XS heap. createAllocator() and an explicit
 * poolSize or buffer make an ArrayBuffer pool in the XS heap, as in Node.
 *
 * Nothing runs at load time but these definitions, so the module can be preloaded: the pool is taken
 * by initAllocator()/createAllocator() when the app calls them (a preloaded ArrayBuffer would live in
 * flash, read-only, and a SharedArrayBuffer cannot be preloaded at all).
 *
 * Plain ES2018 with JSDoc types (checked by `tsc -p targets/moddable`); the host-function syntax
 * (`@ "xs_..."`) stays in mcalloc-irq.js, which only xsc compiles.
 */
import {
	createAllocator as create,
	initAllocator as init,
	AllocatorError,
	allocateMemory,
	freeMemory,
	destroyAllocator,
	defaultHeap,
} from "mcalloc/bundle";
import { irqDisable, irqRestore } from "mcalloc/irq";
import { staticPool } from "mcalloc/pool";

/** @type {import("mcalloc/bundle").InterruptMask} the device's critical section (mcalloc_irq.c) */
export const nativeMask = Object.freeze({
	disable() {
		return irqDisable();
	},
	restore(state) {
		irqRestore(state);
	},
});

/**
 * The caller's options with the native mask as `interrupts`, unless they name a mask of their own.
 * Anything that is not an options object goes through untouched, for the bundle to refuse.
 * @param {import("mcalloc/bundle").AllocatorOptions | undefined} options
 * @returns {import("mcalloc/bundle").AllocatorOptions | undefined}
 */
function withMask(options) {
	if (options === undefined) return { interrupts: nativeMask };
	if (options === null || typeof options !== "object" || options.interrupts !== undefined) return options;
	return Object.assign({}, options, { interrupts: nativeMask });
}

/**
 * @param {import("mcalloc/bundle").AllocatorOptions} [options]
 * @returns {import("mcalloc/bundle").Allocator}
 */
export function createAllocator(options) {
	return create(withMask(options));
}

/**
 * The default pool of the facade (allocateMemory/freeMemory): the static pool, unless the options name
 * a `buffer` or a `poolSize`. A Worker passes { attach: true } to share the pool the main VM formatted.
 * @param {import("mcalloc/bundle").AllocatorOptions} [options]
 * @returns {import("mcalloc/bundle").Allocator}
 */
export function initAllocator(options) {
	const o = withMask(options);
	if (o === null || typeof o !== "object" || o.buffer !== undefined || o.poolSize !== undefined) return init(o);
	return init(Object.assign({}, o, { buffer: staticPool() }));
}

export { AllocatorError, allocateMemory, freeMemory, destroyAllocator, defaultHeap };
