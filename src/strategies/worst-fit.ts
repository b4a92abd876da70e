/** Worst fit: the largest free block, so the remainder stays large. O(free blocks). */
import { H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const structure = /*#__PURE__*/ listStrategy(4, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  let worst = 0;
  let worstSize = size - 1;
  // Each link must lead up the heap (see badOrder in list.ts): that bounds the walk.
  for (let b = listHead(P), next = 0; b !== 0; b = next) {
    preempt();
    const s = m[(b >> 2) + 1];
    if (s > worstSize) {
      worst = b;
      worstSize = s;
    }
    next = m[b >> 2] ^ k;
    if (next <= b && next !== 0) badOrder(b, next);
  }
  return worst;
});
