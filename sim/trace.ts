/**
 * Allocation traces: one operation per line, `a ID SIZE`, `f ID`, `r ID SIZE` (the CS:APP malloc-lab
 * `.rep` format). Numeric header lines of .rep files are skipped. The simulator, the bench and the tuner
 * all read and write traces through this module.
 */
export type TraceOp =
  | { op: 'a'; id: number; size: number }
  | { op: 'f'; id: number }
  | { op: 'r'; id: number; size: number };

export class TraceError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceError';
    this.line = line;
  }
}

export interface ParseOptions {
  /** Ignore lines that are not trace lines (a device log from xsbug or a serial console). */
  lenient?: boolean;
}

const OP_LINE = /^\s*([afr])\s+(\d+)(?:\s+(\d+))?\s*$/;
const NUMERIC_LINE = /^\s*\d+(\s+\d+)*\s*$/;

export function parseTrace(text: string, options: ParseOptions = {}): TraceOp[] {
  const ops: TraceOp[] = [];
  const live = new Set<number>();
  /** Line of the last free of each ID not allocated again since: a second free is a double free. */
  const freedOn = new Map<number, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = options.lenient ? extractTraceLine(lines[i]) : lines[i];
    if (raw === null || raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = OP_LINE.exec(raw);
    if (!m) {
      if (NUMERIC_LINE.test(raw) || options.lenient) continue;
      throw new TraceError(i + 1, `not a trace line: ${excerpt(raw)}`);
    }
    const id = Number(m[2]);
    const size = m[3] === undefined ? undefined : Number(m[3]);
    if (m[1] === 'f') {
      if (size !== undefined) throw new TraceError(i + 1, `'f' takes only an ID`);
      if (!live.delete(id)) {
        const first = freedOn.get(id);
        throw new TraceError(i + 1, first === undefined ? `free of unknown id ${id}` : `double free of id ${id} (freed on line ${first})`);
      }
      freedOn.set(id, i + 1);
      ops.push({ op: 'f', id });
    } else {
      if (size === undefined) throw new TraceError(i + 1, `'${m[1]}' needs an ID and a SIZE`);
      if (m[1] === 'a') {
        if (live.has(id)) throw new TraceError(i + 1, `id ${id} allocated twice`);
        live.add(id);
        freedOn.delete(id);
        ops.push({ op: 'a', id, size });
      } else {
        if (!live.has(id)) throw new TraceError(i + 1, `reallocation of unknown id ${id}`);
        ops.push({ op: 'r', id, size });
      }
    }
  }
  return ops;
}

/**
 * The target a trace was recorded for, from a `#` comment before its first operation that says
 * `target NAME` (`mcalloc sim --record` writes one; so can any recorder).
 */
export function traceTarget(text: string): string | undefined {
  for (const line of text.split(/\r?\n/, 64)) {
    if (line.trim() === '') continue;
    if (!line.trimStart().startsWith('#')) return undefined;
    const m = /\btarget[\s:]+([a-z0-9][\w.-]*)/i.exec(line);
    if (m) return m[1].replace(/[.,;:]+$/, '');
  }
  return undefined;
}

/**
 * A line as an error message may show it: quoted, at most about 60 characters, every character outside
 * printable ASCII as a `\\xNN` / `\\u{…}` escape, so a binary file never writes raw bytes (terminal
 * control sequences included) to the user's terminal.
 */
export function excerpt(line: string, max = 60): string {
  let shown = '', taken = 0, unprintable = 0;
  for (const c of line.slice(0, max)) {
    const code = c.codePointAt(0)!;
    const printable = code >= 0x20 && code < 0x7f;
    const piece = printable ? (c === '"' || c === '\\' ? `\\${c}` : c) : code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    if (shown.length + piece.length > max) break;
    shown += piece;
    taken += c.length;
    if (!printable && code !== 9) unprintable++;
  }
  const binary = unprintable > 4 || unprintable * 8 > taken;
  return `"${shown}"${taken < line.length ? '...' : ''}${binary ? ' (a binary file?)' : ''}`;
}

/** In a device log a trace line may follow a prefix (a timestamp, `mcalloc:`); keep the op part. */
function extractTraceLine(line: string): string | null {
  const m = /(?:^|\s|:)([afr]\s+\d+(?:\s+\d+)?)\s*$/.exec(line);
  return m ? m[1] : null;
}

export function formatOp(op: TraceOp): string {
  return op.op === 'f' ? `f ${op.id}` : `${op.op} ${op.id} ${op.size}`;
}

export function formatTrace(ops: readonly TraceOp[]): string {
  return ops.map(formatOp).join('\n') + '\n';
}

/** Peak of live requested bytes, and largest/smallest request: the inputs of Robson's bounds. */
export function traceProfile(ops: readonly TraceOp[]) {
  const sizes = new Map<number, number>();
  let live = 0, peak = 0, min = Infinity, max = 0, allocs = 0;
  for (const o of ops) {
    if (o.op === 'f') {
      live -= sizes.get(o.id) ?? 0;
      sizes.delete(o.id);
      continue;
    }
    live += o.size - (sizes.get(o.id) ?? 0);
    sizes.set(o.id, o.size);
    if (o.size > 0) { min = Math.min(min, o.size); max = Math.max(max, o.size); }
    if (o.op === 'a') allocs++;
    peak = Math.max(peak, live);
  }
  return { operations: ops.length, allocations: allocs, peakLiveBytes: peak, minSize: min === Infinity ? 0 : min, maxSize: max };
}
