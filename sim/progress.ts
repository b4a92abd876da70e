/**
 * A progress line for long runs, redrawn in place on stderr. Only on a terminal: in a pipe or a CI log
 * progress would be noise between results, and --quiet turns it off everywhere.
 */
export interface ErrOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressLine {
  private shown = false;
  private last = 0;
  constructor(private readonly err: ErrOutput | undefined, private readonly enabled: boolean) {}

  /** Shows `text`; `force` skips the rate limit (at most ten redraws a second). */
  update(text: string, force = false): void {
    if (!this.enabled || this.err === undefined) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.err.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.err!.write('\r\x1b[2K');
    this.shown = false;
  }
}
