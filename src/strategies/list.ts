/**
 * The explicit free list of the four list strategies: doubly linked and kept in address order, so
 * first-fit is address-ordered first-fit (the policy with the best measured fragmentation) and next-fit
 * sweeps the pool. Links live in the free blocks, XOR-ed with the salt: next at b+0, prev at b+8 (pool.ts).
 *
 *   H_LIST_HEAD -> [ lowest ] <-> [ ... ] <-> [ highest ] -> 0
 *
 * Coalescing and splitting keep a block's place in the order, so they use replace() in O(1); only a
 * block freed between two used neighbours walks the list to find its place. Address order is also what
 * bounds every walk: a link that does not lead to a higher address inside the heap is corruption, so no
 * walk takes more than heap size / 8 steps, whatever was written into the pool.
 */
import { BUILD_MESSAGES, frozenOnDevice } from '../build.js';
import { badLink, corrupted } from '../guard.js';
import { H_LIST_HEAD, H_ROVER, H_SALT, type FreeStructure, type Pool } from '../pool.js';
import { preempt } from '../preempt.js';

/**
 * A list walk's step must lead up the heap: a link that does not is corruption. Increasing addresses
 * bound every walk by the heap size / 8 steps; past the pool a read is undefined and decodes to the
 * salt, which fails the next step, and a block a walk returns is checked by the core (freeSizeAt).
 * The walks make this test inline (XS meters every call).
 */
export function badOrder(b: number, next: number): never {
  return corrupted(b, BUILD_MESSAGES && `free list link ${next} is out of order or outside the heap`);
}

/** The lowest free block, checked like a link. */
export function listHead(P: Pool): number {
  const head = P.m[H_LIST_HEAD];
  if (badLink(P, head)) corrupted(head, BUILD_MESSAGES && 'the free list head is outside the heap');
  return head;
}

function link(m: Int32Array, k: number, prev: number, b: number, next: number): void {
  m[b >> 2] = next ^ k;
  m[(b >> 2) + 2] = prev ^ k;
  if (prev !== 0) m[prev >> 2] = b ^ k;
  else m[H_LIST_HEAD] = b;
  if (next !== 0) m[(next >> 2) + 2] = b ^ k;
}

export function listInsert(P: Pool, b: number): void {
  const m = P.m;
  const k = m[H_SALT];
  let prev = 0;
  let cur = listHead(P);
  while (cur !== 0 && cur < b) {
    preempt();
    prev = cur;
    cur = m[cur >> 2] ^ k;
    if (cur <= prev && cur !== 0) badOrder(prev, cur);
  }
  // Safe linking: the block found after the gap must point back at the one before it (which also
  // refuses a `cur` past the pool: its read is undefined).
  if (cur === b || (cur !== 0 && (m[(cur >> 2) + 2] ^ k) !== prev)) corrupted(b, BUILD_MESSAGES && `free list link broken at ${cur}`);
  link(m, k, prev, b, cur);
}

/** Safe unlinking: `b`'s neighbours must point back at it. Returns its next; its prev is read again by the caller. */
function unlinkable(P: Pool, b: number, k: number): number {
  const m = P.m;
  const next = m[b >> 2] ^ k;
  const prev = m[(b >> 2) + 2] ^ k;
  // A link outside the pool reads undefined and fails the back-link test (as in tlsf.ts).
  if (next !== 0 && (next <= b || (m[(next >> 2) + 2] ^ k) !== b)) corrupted(b, BUILD_MESSAGES && `free list link broken (next ${next} does not point back)`);
  if (prev !== 0 ? prev >= b || (m[prev >> 2] ^ k) !== b : m[H_LIST_HEAD] !== b) corrupted(b, BUILD_MESSAGES && `free list link broken (prev ${prev})`);
  return next;
}

export function listRemove(P: Pool, b: number): void {
  const m = P.m;
  const k = m[H_SALT];
  const next = unlinkable(P, b, k);
  const prev = m[(b >> 2) + 2] ^ k;
  if (prev !== 0) m[prev >> 2] = next ^ k;
  else m[H_LIST_HEAD] = next;
  if (next !== 0) m[(next >> 2) + 2] = prev ^ k;
  if (m[H_ROVER] === b) m[H_ROVER] = next;
}

export function listReplace(P: Pool, old: number, b: number): void {
  if (old === b) return;
  const m = P.m;
  const k = m[H_SALT];
  const next = unlinkable(P, old, k);
  link(m, k, m[(old >> 2) + 2] ^ k, b, next);
  if (m[H_ROVER] === old) m[H_ROVER] = b;
}

/** A list strategy is the shared list plus its own find(). */
export function listStrategy(id: number, find: (P: Pool, size: number) => number): FreeStructure {
  return frozenOnDevice<FreeStructure>({
    id,
    rootWords: () => 0,
    init: () => {},
    insert: (P, b) => listInsert(P, b),
    remove: (P, b) => listRemove(P, b),
    replace: (P, old, _oldSize, b) => listReplace(P, old, b),
    find,
    forEach(P, visit) {
      const k = P.m[H_SALT];
      // visit() sees a bad link first and stops the walk; the bound is the visitor's.
      for (let b = P.m[H_LIST_HEAD]; b !== 0; b = badLink(P, b) ? 0 : P.m[b >> 2] ^ k) if (!visit(b)) return;
    },
    verify(P, b) {
      const m = P.m;
      const k = m[H_SALT];
      const next = m[b >> 2] ^ k;
      const prev = m[(b >> 2) + 2] ^ k;
      if (next !== 0 && next <= b) return BUILD_MESSAGES ? `free list out of address order (next ${next})` : '!';
      if (next !== 0 && (badLink(P, next) || (m[(next >> 2) + 2] ^ k) !== b)) return BUILD_MESSAGES ? `free list link broken (next ${next} does not point back)` : '!';
      if (prev === 0 ? m[H_LIST_HEAD] !== b : badLink(P, prev) || (m[prev >> 2] ^ k) !== b) return BUILD_MESSAGES ? `free list link broken (prev ${prev})` : '!';
      return '';
    },
  });
}
