/**
 * Workloads: the firmware running on the simulated device. All share one shape, a small IoT node:
 *
 *   UART receive (priority 2)  allocates a packet buffer and queues it for the main loop
 *   GPIO edge    (priority 3)  allocates an event record (edges bounce: bursts of events)
 *   timer        (priority 1)  frees queued packets the main loop has not processed in time
 *   main loop                  processes packets (sometimes grows one to add a header) and events,
 *                              and keeps a working set of its own blocks, allocating and freeing
 *
 * so blocks change hands between interrupt context and the main loop, as on a device. Workloads differ
 * in rates and sizes: `steady` is a busy device, `storm` floods it with interrupts (the lock test),
 * `fragment` keeps hundreds of small blocks alive so the free structure holds hundreds of holes (the
 * masked-span comparison of first-fit and TLSF).
 */
import type { Block, Device } from './device.js';
import type { SourceSpec } from './irq.js';

export interface WorkloadParams {
  /** Mean ticks between UART packets; packet sizes in bytes; queue limit (more are dropped). */
  uartInterval: number;
  packet: [number, number];
  queueLimit: number;
  /** Mean ticks between timer ticks; a packet older than this many ticks is stale. */
  timerInterval: number;
  staleAge: number;
  /** Mean ticks between GPIO edges, extra events per edge, event record sizes, events kept. */
  gpioInterval: number;
  gpioBurst: number;
  event: [number, number];
  eventLimit: number;
  /** Ticks of main-loop work between allocator calls. */
  work: number;
  /** The main loop's own working set: number of blocks and their sizes. */
  appBlocks: number;
  app: [number, number];
  /** Chance that the main loop's allocation is a large one, and its size range. */
  bigChance: number;
  big: [number, number];
  /** Chance that a processed packet is grown (reallocated) before it is freed. */
  growChance: number;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly params: WorkloadParams;
}

const base: WorkloadParams = {
  uartInterval: 60, packet: [32, 256], queueLimit: 24,
  timerInterval: 500, staleAge: 2000,
  gpioInterval: 300, gpioBurst: 3, event: [8, 40], eventLimit: 16,
  work: 6,
  appBlocks: 40, app: [16, 768],
  bigChance: 0.02, big: [2048, 6144],
  growChance: 0.25,
};

export const WORKLOADS: readonly Workload[] = [
  { name: 'steady', description: 'a busy device: packets, edges and timer ticks at steady rates', params: base },
  {
    name: 'storm',
    description: 'an interrupt storm: handlers fire every few allocator steps',
    params: { ...base, uartInterval: 3, timerInterval: 40, staleAge: 300, gpioInterval: 5, gpioBurst: 4, work: 1, appBlocks: 24 },
  },
  {
    name: 'fragment',
    description: 'hundreds of small live blocks with holes between them, and large requests',
    params: { ...base, uartInterval: 120, appBlocks: 500, app: [16, 64], bigChance: 0.05, big: [1024, 3072], growChance: 0.1 },
  },
];

export const DEFAULT_WORKLOAD = 'steady';

export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}

interface Queued {
  block: Block;
  at: number;
}

/** One workload running on one device: its interrupt handlers, its main loop, its live blocks. */
export class Firmware {
  private readonly rx: Queued[] = [];
  private readonly events: Block[] = [];
  private readonly app: Block[] = [];
  droppedPackets = 0;

  constructor(private readonly d: Device, private readonly p: WorkloadParams) {}

  sources(): SourceSpec[] {
    const p = this.p;
    return [
      { name: 'uart-rx', priority: 2, interval: p.uartInterval, handler: () => this.onUart() },
      { name: 'gpio-edge', priority: 3, interval: p.gpioInterval, burst: p.gpioBurst, handler: () => this.onGpio() },
      { name: 'timer', priority: 1, interval: p.timerInterval, handler: () => this.onTimer() },
    ];
  }

  private onUart(): void {
    const d = this.d;
    if (this.rx.length >= this.p.queueLimit) {
      this.droppedPackets++;
      return;
    }
    const block = d.allocate(d.random.int(this.p.packet[0], this.p.packet[1]));
    if (block === null) this.droppedPackets++;
    else this.rx.push({ block, at: d.clock.now });
  }

  private onGpio(): void {
    const d = this.d;
    const block = d.allocate(d.random.int(this.p.event[0], this.p.event[1]));
    if (block !== null) this.events.push(block);
    // The handler keeps the newest events only: it frees the oldest one itself.
    if (this.events.length > this.p.eventLimit) d.free(this.events.shift()!);
  }

  private onTimer(): void {
    const limit = this.d.clock.now - this.p.staleAge;
    for (let n = 0; n < 4 && this.rx.length > 0 && this.rx[0].at < limit; n++) {
      const q = this.rx.shift()!; // off the queue before the free: a nested handler sees a consistent queue
      this.droppedPackets++;
      this.d.free(q.block);
    }
  }

  /** One iteration of the main loop. Takes a block off a shared list before working on it, as a handler may run at any allocator call. */
  step(): void {
    const d = this.d;
    const p = this.p;
    d.work(p.work);
    const r = d.random.float();
    if (r < 0.35 && this.rx.length > 0) {
      const { block } = this.rx.shift()!;
      if (d.random.chance(p.growChance)) d.reallocate(block, block.size + d.random.int(8, 64));
      d.free(block);
    } else if (r < 0.45 && this.events.length > 0) {
      d.free(this.events.shift()!);
    } else if (this.app.length < p.appBlocks && (this.app.length === 0 || d.random.chance(0.55))) {
      const big = d.random.chance(p.bigChance);
      const range = big ? p.big : p.app;
      const block = d.allocate(d.random.int(range[0], range[1]));
      if (block !== null) this.app.push(block);
    } else if (this.app.length > 0) {
      const i = d.random.int(0, this.app.length - 1);
      const block = this.app[i];
      this.app[i] = this.app[this.app.length - 1];
      this.app.pop();
      if (d.random.chance(0.1)) {
        // Resize instead of free: the block stays in the working set.
        if (d.reallocate(block, d.random.int(p.app[0], p.app[1]))) this.app.push(block);
        else d.free(block);
      } else {
        d.free(block);
      }
    }
  }

  /** Every block alive now (each owned by exactly one of the lists). */
  live(): Block[] {
    return [...this.rx.map((q) => q.block), ...this.events, ...this.app];
  }

  /** Empties every list without freeing (the drain frees what live() returned). */
  forget(): void {
    this.rx.length = 0;
    this.events.length = 0;
    this.app.length = 0;
  }
}
