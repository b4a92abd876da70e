/**
 * The interrupt lock: masks interrupts for the duration of one allocator call. disable() returns the
 * previous mask state and restore() reinstates it, so a call made from a handler (interrupts already
 * masked) leaves them masked. On the device the mask is a native critical section (targets/moddable);
 * the simulator passes its interrupt controller; plain Node, with no interrupts, gets a counter.
 */
import type { InterruptMask } from '../types.js';
import type { Lock } from './lock.js';

/**
 * The mask when nobody supplies one: tracks the state so nesting is still checked. One per allocator,
 * made at run time: a mutable object in a preloaded module would cost RAM on the device (xsl: "not frozen").
 */
export class SoftwareMask implements InterruptMask {
  masked = 0;

  disable(): number {
    const previous = this.masked;
    this.masked = 1;
    return previous;
  }

  restore(state: number): void {
    this.masked = state;
  }
}

/** A class, not closures: its methods stay in flash on a device; an instance is two slots. */
export class InterruptLock implements Lock {
  constructor(private readonly mask: InterruptMask) {}

  enter(): number {
    return this.mask.disable();
  }

  leave(state: number): void {
    this.mask.restore(state);
  }
}
