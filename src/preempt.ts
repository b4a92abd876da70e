/**
 * Preemption points (simulator builds only): places inside the core and the strategies' searches where
 * a real interrupt could arrive with the pool in the middle of an update. The simulator installs a hook
 * that delivers pending interrupts there, and counts the points passed as allocator steps. Device
 * bundles are built with BUILD_PREEMPT false, which removes every call.
 */
import { BUILD_PREEMPT } from './build.js';

let preemptHook: (() => void) | null = null;

export function setPreemptHook(hook: (() => void) | null): void {
  preemptHook = hook;
}

export function preempt(): void {
  if (BUILD_PREEMPT && preemptHook !== null) preemptHook();
}
