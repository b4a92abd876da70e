/**
 * Next fit: first fit that resumes where the previous search stopped (H_ROVER), wrapping around once.
 * Spreads allocations over the pool; cheaper searches than first fit, usually more fragmentation.
 */
import { BUILD_MESSAGES } from '../build.js';
import { badLink, corrupted } from '../guard.js';
import { H_ROVER, H_SALT } from '../pool.js';
import { preempt } from '../preempt.js';
import { listHead, listNext, listStrategy } from './list.js';

export const nextFit = /*#__PURE__*/ listStrategy(2, (P, size) => {
  const m = P.m;
  const k = m[H_SALT];
  const rover = m[H_ROVER];
  if (badLink(P, rover)) corrupted(rover, BUILD_MESSAGES && 'the next-fit rover is outside the heap');
  const start = rover !== 0 ? rover : listHead(P);
  for (let b = start; b !== 0; b = listNext(P, b, k)) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return (m[H_ROVER] = b);
  }
  // The wrap-around: the list is in address order, so the blocks before the rover are those below it.
  for (let b = listHead(P); b !== 0 && b < start; b = listNext(P, b, k)) {
    preempt();
    if (m[(b >> 2) + 1] >= size) return (m[H_ROVER] = b);
  }
  return 0;
});
