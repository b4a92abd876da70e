/** Worst fit: the largest free block, so the remainder stays large. O(free blocks). */
import { H_LIST_HEAD, blockSizeOf } from '../pool.js';
import { preempt } from '../preempt.js';
import { listStrategy } from './list.js';

export const worstFit = /*#__PURE__*/ listStrategy(4, (m, size) => {
  let worst = 0;
  let worstSize = size - 1;
  for (let b = m[H_LIST_HEAD]; b !== 0; b = m[b >> 2]) {
    preempt();
    const s = blockSizeOf(m, b);
    if (s > worstSize) {
      worst = b;
      worstSize = s;
    }
  }
  return worst;
});
