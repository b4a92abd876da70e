/**
 * The simulated device's virtual clock. Time is counted in ticks: one tick is one allocator step (a
 * preemption point inside the allocator core) or one unit of main-loop work. Nothing reads the wall
 * clock, so a run depends only on its seed.
 */
export class VirtualClock {
  now = 0;
  private due = Infinity;
  private alarm: () => void = () => {};

  /** The one alarm (the interrupt controller's next event); advance() fires it when its time comes. */
  setAlarm(at: number, alarm: () => void): void {
    this.due = at;
    this.alarm = alarm;
  }

  advance(ticks: number): void {
    this.now += ticks;
    // A single compare on the hot path: the allocator passes here at every preemption point.
    if (this.now >= this.due) this.alarm();
  }
}
