/**
 * The Moddable event model: how a Moddable app on one VM really sees its interrupts. An interrupt
 * service routine never runs JavaScript: it posts a message to the VM's queue
 * (modMessagePostToMachineFromISR in the SDK's xs/platforms/esp/xsHost.c), and the JavaScript callback
 * runs later, from the event loop, to completion. JavaScript of one VM is never preempted by JavaScript,
 * so the pool needs no lock (targets with lock 'none').
 *
 * Here the interrupt controller still raises its sources at random ticks, also at preemption points in
 * the middle of an allocator call, but each source's "ISR" only posts a message; the firmware's
 * handler runs when the main loop dispatches the queue, between two of its own steps. The queue is
 * bounded, as the SDK's is: a message posted to a full queue is dropped (counted).
 */
import type { VirtualClock } from './clock.js';
import type { SourceSpec } from './irq.js';

/** Which execution model a simulation runs: see README (Locks and the simulator). */
export type SimModel = 'events' | 'interrupts' | 'workers';
export const SIM_MODELS: readonly SimModel[] = ['events', 'interrupts', 'workers'];

/** The model that matches how a target with this lock runs on the device. */
export function modelForLock(lock: string): SimModel {
  return lock === 'none' ? 'events' : lock === 'atomics' ? 'workers' : 'interrupts';
}

export interface EventStats {
  /** Messages posted by interrupt service routines. */
  posted: number;
  /** Messages whose handler ran from the main loop. */
  dispatched: number;
  /** Messages lost because the queue was full. */
  dropped: number;
  /** Most messages waiting at once. */
  deepest: number;
  /** Longest wait from post to dispatch, in ticks. */
  longestWait: number;
}

interface Message {
  handler: () => void;
  at: number;
}

/** Depth of the message queue: the SDK's default MODDEF_TASK_QUEUELENGTH on ESP32 (xsHost.c). */
export const QUEUE_LENGTH = 10;

export class EventQueue {
  readonly stats: EventStats = { posted: 0, dispatched: 0, dropped: 0, deepest: 0, longestWait: 0 };
  private readonly queue: Message[] = [];

  constructor(private readonly clock: VirtualClock, private readonly length = QUEUE_LENGTH) {}

  /** The same sources, whose interrupt handlers only post their firmware handler to the queue. */
  wrap(specs: readonly SourceSpec[]): SourceSpec[] {
    return specs.map((s) => ({ ...s, handler: () => this.post(s.handler) }));
  }

  private post(handler: () => void): void {
    this.stats.posted++;
    if (this.queue.length >= this.length) {
      this.stats.dropped++;
      return;
    }
    this.queue.push({ handler, at: this.clock.now });
    if (this.queue.length > this.stats.deepest) this.stats.deepest = this.queue.length;
  }

  /**
   * Runs every message waiting now, in order, each to completion: one turn of the event loop. Messages
   * posted meanwhile wait for the next turn, as modMessageService() serves only those pending on entry.
   */
  dispatch(): void {
    for (let n = this.queue.length; n > 0; n--) {
      const m = this.queue.shift()!;
      const wait = this.clock.now - m.at;
      if (wait > this.stats.longestWait) this.stats.longestWait = wait;
      this.stats.dispatched++;
      m.handler();
    }
  }

  get waiting(): number {
    return this.queue.length;
  }
}
