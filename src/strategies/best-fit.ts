/** Best fit: the smallest free block that is large enough (stops early on an exact fit). O(free blocks). */
import { H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const structure = /*#__PURE__*/ listStrategy(3, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  let best = 0;
  let bestSize = 0x7fffffff;
  // Each link must lead up the heap (see badOrder in list.ts): that bounds the walk.
  for (let b = listHead(P), next = 0; b !== 0; b = next) {
    preempt();
    const s = m[(b >> 2) + 1];
    if (s >= size && s < bestSize) {
      best = b;
      bestSize = s;
      if (s === size) break;
    }
    next = m[b >> 2] ^ k;
    if (next <= b && next !== 0) badOrder(b, next);
  }
  return best;
});
