/**
 * Types of the "mcalloc" module as Moddable apps import it (mcalloc-device.js): the API of every device
 * bundle (the declarations `npm run build` writes to dist/node) plus the native interrupt mask. mcconfig
 * hands this file to tsc for TypeScript apps (examples/hello-ts), since the module path names it too.
 */
import type { InterruptMask } from '../../dist/node/index.js';

export {
  AllocatorError, allocateMemory, createAllocator, defaultHeap, destroyAllocator, freeMemory, initAllocator,
} from '../../dist/node/index.js';
export type {
  Allocator, AllocatorErrorCode, AllocatorOptions, AllocatorStats, BlockInfo, InterruptMask, LockName, StrategyName,
} from '../../dist/node/index.js';

/** The device's critical section (mcalloc_irq.c), the default `interrupts` of a bundle built with the interrupt lock. */
export declare const nativeMask: Readonly<InterruptMask>;
