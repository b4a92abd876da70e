/**
 * Next fit: first fit that resumes where the previous search stopped (H_ROVER), wrapping around once.
 * Spreads allocations over the pool; cheaper searches than first fit, usually more fragmentation.
 */
import { H_LIST_HEAD, H_ROVER, blockSizeOf } from '../pool.js';
import { preempt } from '../preempt.js';
import { listStrategy } from './list.js';

export const nextFit = /*#__PURE__*/ listStrategy(2, (m, size) => {
  const start = m[H_ROVER] !== 0 ? m[H_ROVER] : m[H_LIST_HEAD];
  for (let b = start; b !== 0; b = m[b >> 2]) {
    preempt();
    if (blockSizeOf(m, b) >= size) return (m[H_ROVER] = b);
  }
  for (let b = m[H_LIST_HEAD]; b !== start; b = m[b >> 2]) {
    preempt();
    if (blockSizeOf(m, b) >= size) return (m[H_ROVER] = b);
  }
  return 0;
});
