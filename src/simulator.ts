/**
 * The simulator's entry: the public API plus the preemption hook, through which the simulated
 * interrupt controller runs handlers in the middle of an allocator call. Not part of the package's
 * exports: a hook that throws would leave the pool half-updated, which only a simulator wants to see.
 */
export * from './index.js';
export { setPreemptHook } from './preempt.js';
