/**
 * The simulated device: one pool managed by the real allocator from src/ (nothing here knows how it
 * works), the interrupt controller as its interrupt mask, and the core's preemption points wired to the
 * controller: each point is one allocator step on the virtual clock and a place where a pending
 * interrupt may run, with the pool in the middle of an update (unless the lock masks it).
 *
 * Main loop and handlers allocate through allocate()/free()/reallocate() here, which stamp each block
 * (stamp.ts) and check the stamp at free, and count every allocator call as one operation.
 */
import { AllocatorError, createAllocator, setPreemptHook, type Allocator, type LockName } from '../src/simulator.js';
import { H_LOCK } from '../src/pool.js';
import { VirtualClock } from './clock.js';
import { InterruptController, type SourceSpec } from './irq.js';
import { createRandom, type Random } from './prng.js';
import { findDamage, idOfStamp, stampOf, writeStamp } from './stamp.js';
import type { Target } from './target.js';
import type { TraceOp } from './trace.js';

export interface Block {
  /** Trace id: one per allocation, kept across reallocation. */
  readonly id: number;
  ptr: number;
  /** Requested bytes. */
  size: number;
  readonly stamp: number;
}

export type DetectionKind = 'check' | 'stamp' | 'allocator-error' | 'deadlock';

/** Why a run stopped early: thrown through the main loop and any handler frames up to the run loop. */
export class Detected extends Error {
  constructor(readonly kind: DetectionKind, message: string, readonly code?: string) {
    super(message);
    this.name = 'Detected';
  }
}

export interface DeviceOptions {
  target: Target;
  lock: LockName;
  seed: number;
  /** The interrupt sources; their handlers get the device. */
  sources: (device: Device) => SourceSpec[];
  /** Called with each operation, in the order the calls returned. */
  record?: (op: TraceOp) => void;
}

export class Device {
  readonly heap: Allocator;
  readonly clock = new VirtualClock();
  readonly irq: InterruptController;
  readonly random: Random;
  readonly lock: LockName;
  operations = 0;
  allocations = 0;
  frees = 0;
  reallocations = 0;
  failedAllocations = 0;
  /** Preemption points passed: the allocator steps of the whole run. */
  steps = 0;
  /** Set when an interrupt ran at a preemption point; the run loop checks the pool then. */
  preemptedSinceCheck = false;
  private readonly words: Int32Array;
  private readonly record: ((op: TraceOp) => void) | undefined;
  private nextId = 1;

  constructor(options: DeviceOptions) {
    const { target, lock, seed } = options;
    this.random = createRandom(seed);
    this.lock = lock;
    this.record = options.record;
    // Sources draw from their own stream, so a workload change does not shift interrupt timing.
    this.irq = new InterruptController(this.clock, createRandom(seed ^ 0x5eed1e55), options.sources(this));
    // format() salts its check words with Math.random; seed that too, so that even the garbage a
    // corrupted pool holds is the same on every run with this seed.
    const saved = Math.random;
    Math.random = this.random.float;
    try {
      this.heap = createAllocator({
        poolSize: target.poolSize, strategy: target.strategy, alignment: target.alignment, debug: target.debug,
        lock, interrupts: this.irq,
      });
    } finally {
      Math.random = saved;
    }
    this.words = new Int32Array(this.heap.buffer);
  }

  /** Wires the core's preemption points to this device (one device at a time: the hook is global). */
  start(): void {
    setPreemptHook(() => {
      this.steps++;
      const before = this.irq.preemptions;
      this.irq.advance(1, true);
      if (this.irq.preemptions !== before) this.preemptedSinceCheck = true;
    });
  }

  stop(): void {
    setPreemptHook(null);
  }

  /** Main-loop work between allocator calls: lets time pass (and interrupts run). */
  work(ticks: number): void {
    this.irq.advance(ticks);
  }

  allocate(size: number): Block | null {
    this.enter('allocate');
    const ptr = this.call(() => this.heap.allocate(size));
    this.allocations++;
    if (ptr === 0) {
      this.failedAllocations++;
      return null;
    }
    const id = this.nextId++;
    const block: Block = { id, ptr, size, stamp: stampOf(id) };
    writeStamp(this.words, ptr, 0, size >> 2, block.stamp);
    this.record?.({ op: 'a', id, size });
    return block;
  }

  free(block: Block): void {
    this.verify(block, block.size);
    this.enter('free');
    this.call(() => this.heap.free(block.ptr));
    this.frees++;
    this.record?.({ op: 'f', id: block.id });
  }

  /** Resizes `block` (its contents must survive a move); false, block untouched, when out of memory. */
  reallocate(block: Block, size: number): boolean {
    this.verify(block, block.size);
    this.enter('reallocate');
    const ptr = this.call(() => this.heap.reallocate(block.ptr, size));
    this.reallocations++;
    if (ptr === 0) {
      this.failedAllocations++;
      this.verify(block, block.size);
      return false;
    }
    const old = block.size;
    block.ptr = ptr;
    block.size = size;
    this.verify(block, Math.min(old, size));
    writeStamp(this.words, ptr, Math.min(old, size) >> 2, size >> 2, block.stamp);
    this.record?.({ op: 'r', id: block.id, size });
    return true;
  }

  /** Throws Detected('stamp') if the first `bytes` of the block lost their stamp. */
  verify(block: Block, bytes: number): void {
    const i = findDamage(this.words, block.ptr, bytes >> 2, block.stamp);
    if (i < 0) return;
    const found = this.words[(block.ptr >> 2) + i];
    const by = idOfStamp(found);
    const who = by > 0 && by < this.nextId ? `, holds the stamp of block #${by}` : '';
    this.detected('stamp', `block #${block.id} (pointer ${block.ptr}, ${block.size} bytes): word ${i} overwritten (0x${(found >>> 0).toString(16)}${who})`);
  }

  /** Stops interrupt delivery and throws: no handler may run while the problem unwinds. */
  detected(kind: DetectionKind, message: string, code?: string): never {
    this.irq.halt();
    throw new Detected(kind, message, code);
  }

  /** Runs check(); throws Detected('check') with the allocator's message if the pool is corrupted. */
  check(): void {
    this.preemptedSinceCheck = false;
    try {
      this.heap.check();
    } catch (e) {
      if (e instanceof AllocatorError) this.detected('check', e.message, e.code);
      throw e;
    }
  }

  private enter(label: string): void {
    this.operations++;
    this.irq.label = label;
    // With the atomics lock nothing masks interrupts: a handler that allocates while the code it
    // interrupted holds the lock word would spin forever on a single core.
    if (this.lock === 'atomics' && this.irq.currentLevel !== 0 && this.words[H_LOCK] !== 0) {
      this.detected('deadlock', `an interrupt handler called ${label}() while the code it interrupted held the atomics lock: it would spin forever`);
    }
  }

  private call<T>(op: () => T): T {
    try {
      return op();
    } catch (e) {
      if (e instanceof AllocatorError) this.detected('allocator-error', e.message, e.code);
      throw e;
    }
  }
}
