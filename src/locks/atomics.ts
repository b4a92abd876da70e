/**
 * The atomics lock: a mutex word in the pool header (H_LOCK), so every allocator attached to a
 * SharedArrayBuffer pool, in any Worker, shares it. States: 0 free, 1 taken, 2 taken and maybe waited
 * for (Drepper, "Futexes are tricky", mutex 3): an uncontended enter/leave is one atomic operation each.
 *
 * A contended enter() first spins briefly (the holder is inside one short allocator call, most likely
 * on another core, and sleeping costs two system calls), then sleeps with Atomics.wait. Where waiting
 * is not allowed (a browser's or XS's main thread) it keeps spinning with capped backoff.
 *
 * Never take this lock in an interrupt handler: nothing masks interrupts, so a handler that interrupts
 * the holder on the same core spins forever. That is what the 'interrupt' lock is for.
 */
import { BUILD_MESSAGES } from '../build.js';
import { AllocatorError } from '../errors.js';
import { H_LOCK } from '../pool.js';
import type { Lock } from './lock.js';

/** Polls of the lock word before sleeping. */
const SPIN = 128;
const WAIT_MS = 50;
/** A lock held this long (about a minute of timed-out waits) is a dead holder, not contention. */
const MAX_TIMEOUTS = 1200;
const MAX_SPIN_ROUNDS = MAX_TIMEOUTS << 10;

/** A class, not closures: its methods stay in flash on a device; an instance is a few slots. */
export class AtomicsLock implements Lock {
  /** Atomics.wait needs a shared buffer and a thread that may block; the latter is learnt on first use. */
  private canWait: boolean;
  private stalls = 0;

  constructor(private readonly m: Int32Array) {
    this.canWait = typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer;
  }

  enter(): number {
    const m = this.m;
    if (Atomics.compareExchange(m, H_LOCK, 0, 1) === 0) return 0;
    for (let i = 0; i < SPIN; i++) {
      if (Atomics.load(m, H_LOCK) === 0 && Atomics.compareExchange(m, H_LOCK, 0, 1) === 0) return 0;
    }
    // Announce a waiter (2), so that the holder's leave() wakes one; taking the lock this way leaves
    // it at 2, which at worst costs one needless notify. A word that is no lock state was written by
    // something else (a view over the pool): no holder will ever clear it, so waiting would only end
    // in LOCK_TIMEOUT a minute later. It is read, never exchanged, so the damage stays as it was found.
    this.stalls = 0;
    for (let rounds = 1; ; rounds++) {
      const seen = Atomics.load(m, H_LOCK);
      if (seen !== 0 && seen !== 1 && seen !== 2) damaged(seen);
      if (Atomics.compareExchange(m, H_LOCK, seen, 2) === seen && seen === 0) return 0;
      this.pause(rounds);
    }
  }

  leave(): void {
    if (Atomics.exchange(this.m, H_LOCK, 0) === 2) Atomics.notify(this.m, H_LOCK, 1);
  }

  /** Sleeps (or spins) until the word may have changed from 2; throws LOCK_TIMEOUT when that takes too long. */
  private pause(rounds: number): void {
    const m = this.m;
    if (this.canWait) {
      try {
        if (Atomics.wait(m, H_LOCK, 2, WAIT_MS) === 'timed-out' && ++this.stalls > MAX_TIMEOUTS) timeout();
        return;
      } catch (e) {
        if (e instanceof AllocatorError) throw e;
        this.canWait = false; // "Atomics.wait cannot be called in this context"
      }
    }
    if (rounds > MAX_SPIN_ROUNDS) timeout();
    for (let i = 1 << Math.min(rounds, 10); i > 0; i--) if (Atomics.load(m, H_LOCK) === 0) return;
  }
}

function damaged(word: number): never {
  throw new AllocatorError('HEAP_CORRUPTED', BUILD_MESSAGES && `the pool's lock word holds ${word}, which no lock state is (0 free, 1 or 2 taken): something wrote into the pool header`, H_LOCK * 4);
}

function timeout(): never {
  throw new AllocatorError('LOCK_TIMEOUT', BUILD_MESSAGES && 'the pool lock was not released (a holder died inside an allocator call?)');
}
