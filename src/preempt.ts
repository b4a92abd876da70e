/**
 * Preemption points (simulator builds only): places inside the core and the strategies' searches where
 * a real interrupt could arrive with the pool in the middle of an update. The simulator installs a hook
 * that delivers pending interrupts there, and counts the points passed as allocator steps. Device
 * bundles are built with BUILD_PREEMPT false, which removes every call.
 *
 * The sim bundle, the one bundle that keeps the points, holds its hook in a global slot set at run time:
 * a module-level `let` would stay writable once xsl preloads the bundle ("no const": RAM on a device).
 * The Node library keeps the cheaper `let`.
 */
import { BUILD_PREEMPT, BUILD_STRATEGY } from './build.js';

let preemptHook: (() => void) | null = null;
const HOOK = Symbol('mcalloc preemption hook');

export function setPreemptHook(hook: (() => void) | null): void {
  if (BUILD_STRATEGY === '') preemptHook = hook;
  else (globalThis as { [HOOK]?: (() => void) | null })[HOOK] = hook;
}

export function preempt(): void {
  if (!BUILD_PREEMPT) return;
  const hook = BUILD_STRATEGY === '' ? preemptHook : (globalThis as { [HOOK]?: (() => void) | null })[HOOK];
  if (hook) hook();
}
