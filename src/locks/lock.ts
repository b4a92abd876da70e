/**
 * A lock is a layer around each public call (as umm_malloc's critical section wraps its *_core
 * functions): enter() returns a token that leave() takes back, so nested use is safe.
 */
export interface Lock {
  enter(): number;
  leave(token: number): void;
}
