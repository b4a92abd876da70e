/**
 * A lock is a layer around each public call (as umm_malloc's critical section wraps its *_core
 * functions): enter() returns a token that leave() takes back, so nested use is safe.
 */
import type { LockName } from '../types.js';

/** The locks, in the order of their ids in the pool header (id = index + 1). */
export const LOCK_NAMES: readonly LockName[] = /*#__PURE__*/ Object.freeze(['none', 'interrupt', 'atomics']);

export interface Lock {
  enter(): number;
  leave(token: number): void;
}
