/** Worst fit: the largest free block, so the remainder stays large. O(free blocks). */
import { H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const worstFit = /*#__PURE__*/ listStrategy(4, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  const end = P.end;
  let worst = 0;
  let worstSize = size - 1;
  // Each link must lead up the heap (see listNext, inlined: this loop is the strategy's cost).
  for (let b = listHead(P), next = 0; b !== 0; b = next) {
    preempt();
    const s = m[(b >> 2) + 1];
    if (s > worstSize) {
      worst = b;
      worstSize = s;
    }
    next = m[b >> 2] ^ k;
    if (next !== 0 && (next <= b || next >= end)) badOrder(b, next);
  }
  return worst;
});
