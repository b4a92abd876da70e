import type { Lock } from './lock.js';

/** No lock: for single-threaded code with no allocating interrupt handlers. Costs nothing. */
export const noLock: Lock = /*#__PURE__*/ Object.freeze({
  enter: () => 0,
  leave: () => {},
});
