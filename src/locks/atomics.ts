/**
 * The atomics lock: a mutex word in the pool header (H_LOCK), so every allocator attached to a
 * SharedArrayBuffer pool, in any Worker, shares it. States: 0 free, 1 taken, 2 taken with waiters
 * (Drepper, "Futexes are tricky"): an uncontended enter/leave is one compareExchange each.
 * Where Atomics.wait is not allowed (a browser's or XS's main thread) it spins with capped backoff.
 */
import { AllocatorError } from '../errors.js';
import { H_LOCK } from '../pool.js';
import type { Lock } from './lock.js';

const SPIN_LIMIT = 1 << 10;
/** A lock held this long (about a minute of waits) is a dead holder, not contention. */
const WAIT_MS = 50;
const MAX_WAITS = 1200;

export function atomicsLock(m: Int32Array): Lock {
  // Atomics.wait needs a shared buffer and a thread that may block; learn the latter on first use.
  let canWait = typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer;
  function pause(rounds: number): void {
    if (canWait) {
      try {
        Atomics.wait(m, H_LOCK, 2, WAIT_MS);
        return;
      } catch {
        canWait = false;
      }
    }
    for (let i = 1 << Math.min(rounds, 10); i > 0; i--) if (Atomics.load(m, H_LOCK) === 0) return;
  }
  return {
    enter() {
      let c = Atomics.compareExchange(m, H_LOCK, 0, 1);
      if (c === 0) return 0;
      let rounds = 0;
      do {
        if (c === 2 || Atomics.compareExchange(m, H_LOCK, 1, 2) !== 0) {
          if (++rounds > MAX_WAITS * (canWait ? 1 : SPIN_LIMIT)) throw new AllocatorError('LOCK_TIMEOUT', 'the pool lock was not released (a holder died inside an allocator call?)');
          pause(rounds);
        }
      } while ((c = Atomics.compareExchange(m, H_LOCK, 0, 2)) !== 0);
      return 0;
    },
    leave() {
      if (Atomics.sub(m, H_LOCK, 1) !== 1) {
        Atomics.store(m, H_LOCK, 0);
        Atomics.notify(m, H_LOCK, 1);
      }
    },
  };
}
