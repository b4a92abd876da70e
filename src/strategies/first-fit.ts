/** Address-ordered first fit: the lowest free block that is large enough. O(free blocks). */
import { H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const firstFit = /*#__PURE__*/ listStrategy(1, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  const end = P.end;
  // Each link must lead up the heap (see listNext, inlined: this loop is the strategy's cost).
  for (let b = listHead(P), next = 0; b !== 0; b = next) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return b;
    next = m[b >> 2] ^ k;
    if (next !== 0 && (next <= b || next >= end)) badOrder(b, next);
  }
  return 0;
});
