/**
 * Progress of a long run on stderr. On a terminal one line is redrawn in place (at most ten times a
 * second) and erased at the end. Off a terminal (a pipe, a CI log) whole lines, at most one every few
 * seconds: a log must show that the run is alive without drowning the result. --quiet: nothing.
 */
export interface ErrOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export type ProgressMode = 'terminal' | 'lines' | 'off';

/** Between two lines of a log: often enough to see a run move, rarely enough to read the log. */
export const LINE_EVERY_MS = 3000;

export function progressMode(err: ErrOutput | undefined, quiet: boolean): ProgressMode {
  if (quiet || err === undefined) return 'off';
  return err.isTTY === true ? 'terminal' : 'lines';
}

export class ProgressLine {
  private shown = false;
  // In a log, the first line comes after the first interval: a quick run (and a bad-input error,
  // which must stay the only line on stderr) prints none.
  private last: number;
  private readonly started = performance.now();
  private latest = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  constructor(private readonly err: ErrOutput | undefined, private readonly mode: ProgressMode, private readonly everyMs = LINE_EVERY_MS) {
    this.last = mode === 'lines' ? this.started : -Infinity;
    // Work done in Worker threads leaves this thread idle between reports (a cost replay of millions of
    // operations reports nothing for a minute): a log still gets its line every few seconds.
    if (mode === 'lines' && err !== undefined) {
      this.timer = setInterval(() => this.update(this.latest), Math.max(everyMs, 100));
      this.timer.unref();
    }
  }

  /** Shows `text`; on a terminal `force` skips the rate limit (a log line never does). */
  update(text: string, force = false): void {
    if (this.mode === 'off' || this.err === undefined) return;
    const now = performance.now();
    if (this.mode === 'lines') {
      this.latest = text;
      if (text === '' || now - this.last < this.everyMs) return;
      this.last = now;
      this.err.write(`${text} (${Math.round((now - this.started) / 1000)} s)\n`);
      return;
    }
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.err.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  /** Erases the line on a terminal; stops the lines of a log. */
  clear(): void {
    clearInterval(this.timer);
    if (this.shown) this.err!.write('\r\x1b[2K');
    this.shown = false;
  }
}
