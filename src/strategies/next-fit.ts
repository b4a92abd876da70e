/**
 * Next fit: first fit that resumes where the previous search stopped (H_ROVER), wrapping around once.
 * Spreads allocations over the pool; cheaper searches than first fit, usually more fragmentation.
 */
import { BUILD_MESSAGES } from '../build.js';
import { badLink, corrupted } from '../guard.js';
import { H_ROVER, H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { badOrder, listHead, listStrategy } from './list.js';

export const structure = /*#__PURE__*/ listStrategy(2, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  const rover = m[H_ROVER];
  if (badLink(P, rover)) corrupted(rover, BUILD_MESSAGES && 'the next-fit rover is outside the heap');
  const head = listHead(P);
  const start = rover !== 0 ? rover : head;
  // From the rover to the end, then from the head up to the rover (the list is in address order).
  // Each link must lead up the heap (see badOrder in list.ts): that bounds the walks.
  for (let b = start, next = 0; b !== 0; b = next) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return (m[H_ROVER] = b);
    next = m[b >> 2] ^ k;
    if (next <= b && next !== 0) badOrder(b, next);
  }
  for (let b = head, next = 0; b !== 0 && b < start; b = next) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return (m[H_ROVER] = b);
    next = m[b >> 2] ^ k;
    if (next <= b && next !== 0) badOrder(b, next);
  }
  return 0;
});
