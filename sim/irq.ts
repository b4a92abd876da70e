/**
 * The simulated interrupt controller. Sources (UART receive, a timer, a GPIO edge...) raise events on
 * the virtual clock; an event sets the source's pending bit, and a pending source is delivered (its
 * handler called, synchronously) as soon as all of these hold:
 *
 *   - interrupts are not masked (the 'interrupt' lock masks them with disable()/restore()),
 *   - the source is enabled (per-source mask),
 *   - its priority is above that of the handler running now (0 = the main loop): nested delivery.
 *
 * Delivery is checked whenever the clock advances and when restore() unmasks, so an event raised while
 * the allocator held the mask runs right after the allocator call, as on a real CPU. An event raised
 * while its source is still pending is lost (an overrun), as with a single pending bit in hardware.
 *
 * The controller is also the InterruptMask the 'interrupt' lock uses, so it measures each masked span:
 * the interrupt latency the allocator imposes, in ticks (allocator steps) and in wall-clock time.
 */
import type { InterruptMask } from '../src/types.js';
import type { VirtualClock } from './clock.js';
import { Histogram } from './histogram.js';
import type { Random } from './prng.js';

export interface SourceSpec {
  name: string;
  /** 1 (lowest) and up; a handler is interrupted only by sources of a higher priority. */
  priority: number;
  /** Mean ticks between events (exponentially distributed: a Poisson source). */
  interval: number;
  /** Each event may bring up to this many more, one tick apart (a bouncing GPIO edge). Default 0. */
  burst?: number;
  handler: () => void;
}

export interface SourceStats {
  name: string;
  priority: number;
  raised: number;
  delivered: number;
  /** Events lost because the source was still pending. */
  overruns: number;
  /** Deliveries delayed by the mask: raised while the lock was held, run when it was released. */
  deferred: number;
  /** Deliveries into a running handler of lower priority. */
  nested: number;
  /** Deliveries at a preemption point, in the middle of an allocator call. */
  preempting: number;
}

/** The counters of a source, or summed over all of them. */
export type InterruptCounts = Omit<SourceStats, 'name' | 'priority'>;

interface Source extends SourceStats {
  readonly interval: number;
  readonly burst: number;
  readonly handler: () => void;
  enabled: boolean;
  pending: boolean;
  /** Was pending when the mask was lifted: its delivery was deferred by the lock. */
  held: boolean;
  next: number;
  burstLeft: number;
}

/** Masked spans of one kind of operation: the longest in ticks, and their wall-clock lengths. */
export interface SpanRecord {
  ticks: number;
  wall: Histogram;
}

export class InterruptController implements InterruptMask {
  readonly sources: readonly Source[];
  /** The operation a masked span is charged to (set by the device before each allocator call). */
  label = 'other';
  /** Masked spans per label; spanCount in all. */
  readonly spans = new Map<string, SpanRecord>();
  spanCount = 0;
  /** Deliveries at preemption points, all sources. */
  preemptions = 0;
  private masked = 0;
  private halted = false;
  private level = 0;
  private pendingCount = 0;
  private maskedAt = 0;
  private maskedAtWall = 0;
  private atPreemptPoint = false;

  constructor(
    readonly clock: VirtualClock,
    private readonly random: Random,
    specs: readonly SourceSpec[],
  ) {
    // Highest priority first, so delivery takes the first eligible source.
    this.sources = [...specs]
      .sort((a, b) => b.priority - a.priority)
      .map((s) => ({
        name: s.name, priority: s.priority, interval: s.interval, burst: s.burst ?? 0, handler: s.handler,
        enabled: true, pending: false, held: false, next: 0, burstLeft: 0,
        raised: 0, delivered: 0, overruns: 0, deferred: 0, nested: 0, preempting: 0,
      }));
    for (const s of this.sources) s.next = clock.now + this.gap(s.interval);
    this.schedule();
  }

  get isMasked(): boolean {
    return this.masked !== 0;
  }

  /** Priority of the handler running now; 0 in the main loop. */
  get currentLevel(): number {
    return this.level;
  }

  disable(): number {
    const previous = this.masked;
    if (previous === 0) {
      this.maskedAt = this.clock.now;
      this.maskedAtWall = performance.now();
    }
    this.masked = 1;
    return previous;
  }

  restore(state: number): void {
    if (state !== 0 || this.masked === 0) {
      this.masked = state;
      return;
    }
    this.masked = 0;
    this.recordSpan(this.clock.now - this.maskedAt, performance.now() - this.maskedAtWall);
    if (this.pendingCount !== 0) {
      for (const s of this.sources) if (s.pending) s.held = true;
      this.deliver();
    }
  }

  /** Masks or unmasks one source (its events still set the pending bit). */
  setEnabled(name: string, enabled: boolean): void {
    const s = this.sources.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no interrupt source ${JSON.stringify(name)}`);
    s.enabled = enabled;
    if (enabled && this.masked === 0) this.deliver();
  }

  /** Stops delivering anything (the run is over: a problem was found and is being reported). */
  halt(): void {
    this.halted = true;
  }

  /** Stops all sources for good (the drain at the end of a run) and drops pending events. */
  silence(): void {
    for (const s of this.sources) {
      s.enabled = false;
      s.pending = false;
      s.held = false;
      s.next = Infinity;
    }
    this.pendingCount = 0;
    this.schedule();
  }

  /**
   * Lets `ticks` of virtual time pass, then delivers what may be delivered. `preemptPoint`: the caller
   * is the allocator core, in the middle of an update.
   */
  advance(ticks: number, preemptPoint = false): void {
    this.clock.advance(ticks);
    if (this.pendingCount !== 0 && this.masked === 0) {
      this.atPreemptPoint = preemptPoint;
      this.deliver();
      this.atPreemptPoint = false;
    }
  }

  /** Sets the pending bits of the sources whose time has come and arms the clock for the next one. */
  private raise = (): void => {
    const now = this.clock.now;
    for (const s of this.sources) {
      while (s.next <= now) {
        s.raised++;
        if (s.pending) s.overruns++;
        else {
          s.pending = true;
          this.pendingCount++;
        }
        if (s.burstLeft > 0) {
          s.burstLeft--;
          s.next += 1;
        } else {
          s.burstLeft = s.burst > 0 ? this.random.int(0, s.burst) : 0;
          s.next += this.gap(s.interval);
        }
      }
    }
    this.schedule();
  };

  private schedule(): void {
    let due = Infinity;
    for (const s of this.sources) if (s.next < due) due = s.next;
    this.clock.setAlarm(due, this.raise);
  }

  /** Exponential inter-arrival time, at least one tick. */
  private gap(mean: number): number {
    return 1 + Math.floor(-Math.log(1 - this.random.float()) * (mean - 1));
  }

  /** Runs eligible pending handlers, highest priority first, until none is left. */
  private deliver(): void {
    const inside = this.atPreemptPoint;
    for (;;) {
      if (this.masked !== 0 || this.pendingCount === 0 || this.halted) return;
      let s: Source | undefined;
      for (const x of this.sources) {
        if (x.priority <= this.level) break;
        if (x.pending && x.enabled) {
          s = x;
          break;
        }
      }
      if (s === undefined) return;
      s.pending = false;
      this.pendingCount--;
      s.delivered++;
      if (s.held) {
        s.held = false;
        s.deferred++;
      }
      if (inside) {
        s.preempting++;
        this.preemptions++;
      }
      if (this.level !== 0) s.nested++;
      const outer = this.level;
      const outerLabel = this.label;
      this.level = s.priority;
      // A handler's own allocator calls are not at this preemption point.
      this.atPreemptPoint = false;
      try {
        s.handler();
      } finally {
        this.level = outer;
        this.label = outerLabel;
        this.atPreemptPoint = inside;
      }
    }
  }

  private recordSpan(ticks: number, ms: number): void {
    this.spanCount++;
    let span = this.spans.get(this.label);
    if (span === undefined) this.spans.set(this.label, (span = { ticks: 0, wall: new Histogram() }));
    if (ticks > span.ticks) span.ticks = ticks;
    span.wall.add(ms * 1e6);
  }

  stats(): SourceStats[] {
    return this.sources.map(({ name, priority, raised, delivered, overruns, deferred, nested, preempting }) => ({
      name, priority, raised, delivered, overruns, deferred, nested, preempting,
    }));
  }
}
