/**
 * The explicit free list of the four list strategies: doubly linked and kept in address order, so
 * first-fit is address-ordered first-fit (the policy with the best measured fragmentation) and next-fit
 * sweeps the pool. Links live in the free blocks: next at b+0, prev at b+8 (see pool.ts).
 *
 *   H_LIST_HEAD -> [ lowest ] <-> [ ... ] <-> [ highest ] -> 0
 *
 * Coalescing and splitting keep a block's place in the order, so they use replace() in O(1); only a
 * block freed between two used neighbours walks the list to find its place.
 */
import { BUILD_MESSAGES, frozenOnDevice } from '../build.js';
import { H_LIST_HEAD, H_ROVER, type FreeStructure } from '../pool.js';
import { preempt } from '../preempt.js';

function link(m: Int32Array, prev: number, b: number, next: number): void {
  m[b >> 2] = next;
  m[(b >> 2) + 2] = prev;
  if (prev !== 0) m[prev >> 2] = b;
  else m[H_LIST_HEAD] = b;
  if (next !== 0) m[(next >> 2) + 2] = b;
}

export function listInsert(m: Int32Array, b: number): void {
  let prev = 0;
  let cur = m[H_LIST_HEAD];
  while (cur !== 0 && cur < b) {
    preempt();
    prev = cur;
    cur = m[cur >> 2];
  }
  link(m, prev, b, cur);
}

export function listRemove(m: Int32Array, b: number): void {
  const next = m[b >> 2];
  const prev = m[(b >> 2) + 2];
  if (prev !== 0) m[prev >> 2] = next;
  else m[H_LIST_HEAD] = next;
  if (next !== 0) m[(next >> 2) + 2] = prev;
  if (m[H_ROVER] === b) m[H_ROVER] = next;
}

export function listReplace(m: Int32Array, old: number, b: number): void {
  if (old === b) return;
  const next = m[old >> 2];
  const prev = m[(old >> 2) + 2];
  link(m, prev, b, next);
  if (m[H_ROVER] === old) m[H_ROVER] = b;
}

/** A list strategy is the shared list plus its own find(). */
export function listStrategy(id: number, find: (m: Int32Array, size: number) => number): FreeStructure {
  return frozenOnDevice<FreeStructure>({
    id,
    rootWords: () => 0,
    init: () => {},
    insert: (m, b) => listInsert(m, b),
    remove: (m, b) => listRemove(m, b),
    replace: (m, old, _oldSize, b) => listReplace(m, old, b),
    find,
    forEach(m, visit) {
      for (let b = m[H_LIST_HEAD]; b !== 0; b = m[b >> 2]) if (!visit(b)) return;
    },
    verify(m, b) {
      const next = m[b >> 2];
      const prev = m[(b >> 2) + 2];
      if (next !== 0 && next <= b) return BUILD_MESSAGES ? `free list out of address order (next ${next})` : '!';
      if (next !== 0 && m[(next >> 2) + 2] !== b) return BUILD_MESSAGES ? `free list link broken (next ${next} does not point back)` : '!';
      if (prev === 0 ? m[H_LIST_HEAD] !== b : m[prev >> 2] !== b) return BUILD_MESSAGES ? `free list link broken (prev ${prev})` : '!';
      return '';
    },
  });
}
