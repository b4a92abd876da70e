/*
 * "mcalloc" on Moddable: the target's bundle ("mcalloc/bundle": dist/targets/<target>/mcalloc.js, picked
 * per platform by manifest.json) with the native interrupt mask ("mcalloc/irq", mcalloc_irq.c) as the
 * default `interrupts` of the interrupt lock: the bundle itself would fall back to a software counter.
 *
 * Nothing runs at load time but these definitions, so the module can be preloaded: the pool is made by
 * createAllocator()/initAllocator() when the app calls them (a preloaded ArrayBuffer would live in flash,
 * read-only, and a SharedArrayBuffer cannot be preloaded at all).
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
 * The default pool of the facade (allocateMemory/freeMemory), sized by the target unless `poolSize` says.
 * @param {import("mcalloc/bundle").AllocatorOptions} [options]
 * @returns {import("mcalloc/bundle").Allocator}
 */
export function initAllocator(options) {
	return init(withMask(options));
}

export { AllocatorError, allocateMemory, freeMemory, destroyAllocator, defaultHeap };
