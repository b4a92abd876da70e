/** Best fit: the smallest free block that is large enough (stops early on an exact fit). O(free blocks). */
import { H_LIST_HEAD, blockSizeOf } from '../pool.js';
import { preempt } from '../preempt.js';
import { listStrategy } from './list.js';

export const bestFit = /*#__PURE__*/ listStrategy(3, (m, size) => {
  let best = 0;
  let bestSize = 0x7fffffff;
  for (let b = m[H_LIST_HEAD]; b !== 0; b = m[b >> 2]) {
    preempt();
    const s = blockSizeOf(m, b);
    if (s >= size && s < bestSize) {
      best = b;
      bestSize = s;
      if (s === size) break;
    }
  }
  return best;
});
