/** Address-ordered first fit: the lowest free block that is large enough. O(free blocks). */
import { H_LIST_HEAD, blockSizeOf } from '../pool.js';
import { preempt } from '../preempt.js';
import { listStrategy } from './list.js';

export const firstFit = /*#__PURE__*/ listStrategy(1, (m, size) => {
  for (let b = m[H_LIST_HEAD]; b !== 0; b = m[b >> 2]) {
    preempt();
    if (blockSizeOf(m, b) >= size) return b;
  }
  return 0;
});
