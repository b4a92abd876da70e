/**
 * The allocator of every pool that does not take TlsfAllocator: the list strategies, and debug or
 * traced TLSF pools. allocate, free and reallocate go through core.ts, which asks the pool's free
 * structure to find, insert, remove and replace blocks, and emit a trace line when the pool has a
 * tracer.
 */
import { BUILD_LOCK, BUILD_TRACE } from './build.js';
import { PoolAllocator, type Settings } from './allocator.js';
import { allocateCore, freeCore, reallocateCore } from './core.js';
import { validatePointer } from './diagnostics.js';
import { ALLOCATE, FREE, NUMBER, REALLOCATE, checkAlignment, checkSize, destroyedError, detachedError } from './errors.js';
import { noLock } from './locks/none.js';
import { makeTracer, type Tracer } from './tracer.js';

export class CoreAllocator extends PoolAllocator {
  private readonly T: Tracer | null;

  constructor(c: Settings) {
    super(c);
    this.T = BUILD_TRACE && c.options.trace ? makeTracer(c.options.trace) : null;
  }

  allocate(size: number, alignment?: number): number {
    const P = this.P;
    if (P === null) return destroyedError();
    if (P.m.length === 0) return detachedError();
    // (size >>> 0) === size: an integer, not negative (typeof first: `>>>` throws on a BigInt); checkSize says why not.
    if (typeof size !== NUMBER || (size >>> 0) !== size || size > this.poolSize) checkSize(size, this.poolSize, ALLOCATE);
    let align = this.alignment;
    if (alignment !== undefined) {
      if (checkAlignment(alignment, ALLOCATE) > align) align = alignment;
    }
    // No lock: no enter/leave calls and no try/finally (XS meters both); device bundles built with
    // lock 'none' keep only this branch.
    if (BUILD_LOCK === 'none' || this.L === noLock) {
      const p = allocateCore(P, size, align);
      if (BUILD_TRACE && this.T !== null) this.traced('a', p, p, size);
      return p;
    }
    const token = this.L.enter();
    let p: number;
    try {
      p = allocateCore(P, size, align);
      // The id is taken under the lock (a handler that runs when it is released may reuse these offsets);
      // the line is emitted after it (tracer.ts).
      if (BUILD_TRACE && this.T !== null && p !== 0) this.T.op('a', p, p, size);
    } finally {
      this.L.leave(token);
    }
    if (BUILD_TRACE && this.T !== null) this.T.flush();
    return p;
  }

  /** Unlocked calls: the trace line is taken and emitted at once. */
  private traced(kind: 'a' | 'r' | 'f', ptr: number, p: number, size: number): void {
    if (p !== 0 || kind === 'f') this.T!.op(kind, ptr, p, size);
    this.T!.flush();
  }

  reallocate(ptr: number, size: number): number {
    const P = this.P;
    if (P === null) return destroyedError();
    if (P.m.length === 0) return detachedError();
    if (typeof size !== NUMBER || (size >>> 0) !== size || size > this.poolSize) checkSize(size, this.poolSize, REALLOCATE);
    if (ptr === 0) return this.allocate(size);
    if (BUILD_LOCK === 'none' || this.L === noLock) {
      const p = reallocateCore(P, validatePointer(P, ptr, REALLOCATE), size, this.alignment);
      if (BUILD_TRACE && this.T !== null) this.traced('r', ptr, p, size);
      return p;
    }
    const token = this.L.enter();
    let p: number;
    try {
      p = reallocateCore(P, validatePointer(P, ptr, REALLOCATE), size, this.alignment);
      if (BUILD_TRACE && this.T !== null && p !== 0) this.T.op('r', ptr, p, size);
    } finally {
      this.L.leave(token);
    }
    if (BUILD_TRACE && this.T !== null) this.T.flush();
    return p;
  }

  free(ptr: number): void {
    const P = this.P;
    if (P === null) return destroyedError();
    if (P.m.length === 0) return detachedError();
    if (ptr === 0) return;
    if (BUILD_LOCK === 'none' || this.L === noLock) {
      freeCore(P, validatePointer(P, ptr, FREE));
      if (BUILD_TRACE && this.T !== null) this.traced('f', ptr, 0, 0);
      return;
    }
    const token = this.L.enter();
    try {
      freeCore(P, validatePointer(P, ptr, FREE));
      if (BUILD_TRACE && this.T !== null) this.T.op('f', ptr, 0, 0);
    } finally {
      this.L.leave(token);
    }
    if (BUILD_TRACE && this.T !== null) this.T.flush();
  }
}
