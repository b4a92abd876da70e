/** Address-ordered first fit: the lowest free block that is large enough. O(free blocks). */
import { H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const structure = /*#__PURE__*/ listStrategy(1, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  // Each link must lead up the heap (see badOrder in list.ts): that bounds the walk.
  for (let b = listHead(P), next = 0; b !== 0; b = next) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return b;
    next = m[b >> 2] ^ k;
    if (next <= b && next !== 0) badOrder(b, next);
  }
  return 0;
});
