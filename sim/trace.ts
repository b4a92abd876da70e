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

/** Fields of the line fastLine() read last (-1: no size), and the number digits() read last. */
let lineId = 0, lineSize = -1, value = 0;

/** Reads an integer of at most 15 digits (a safe integer) at `j` into `value`; returns the index after it, or -1. */
function digits(line: string, j: number): number {
  const start = j;
  let n = 0, c = line.charCodeAt(j);
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = line.charCodeAt(++j);
  }
  value = n;
  return j === start || j - start > 15 ? -1 : j;
}

/**
 * The form every recorder writes (`a 12 345`, `f 12`, maybe a trailing \r), read without a regex:
 * a trace of millions of lines spends most of its parse in regular expressions otherwise. Returns the
 * operation's letter, or '' for any other line (which then takes the general path).
 */
function fastLine(line: string): string {
  const op = line[0];
  if ((op !== 'a' && op !== 'f' && op !== 'r') || line.charCodeAt(1) !== 32) return '';
  let j = digits(line, 2);
  if (j < 0) return '';
  lineId = value;
  lineSize = -1;
  if (line.charCodeAt(j) === 32) {
    j = digits(line, j + 1);
    if (j < 0) return '';
    lineSize = value;
  }
  if (j === line.length - 1 && line.charCodeAt(j) === 13) j++;
  return j === line.length ? op : '';
}

/** The line of the last `f ID` before line `before` (1-based), or 0: asked only when a free is refused. */
function lastFree(lines: readonly string[], id: number, before: number): number {
  for (let i = before - 2; i >= 0; i--) {
    const m = OP_LINE.exec(lines[i]);
    if (m && Number(m[2]) === id) return m[1] === 'f' ? i + 1 : 0;
  }
  return 0;
}

export function parseTrace(text: string, options: ParseOptions = {}): TraceOp[] {
  const ops: TraceOp[] = [];
  const live = new Set<number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let op = options.lenient ? '' : fastLine(lines[i]);
    let id = lineId, size: number | undefined = lineSize < 0 ? undefined : lineSize;
    if (op === '') {
      const raw = options.lenient ? extractTraceLine(lines[i]) : lines[i];
      if (raw === null || raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
      const m = OP_LINE.exec(raw);
      if (!m) {
        if (NUMERIC_LINE.test(raw) || options.lenient) continue;
        throw new TraceError(i + 1, `not a trace line: ${excerpt(raw.replace(/\r$/, ''))}`);
      }
      op = m[1];
      id = Number(m[2]);
      size = m[3] === undefined ? undefined : Number(m[3]);
    }
    if (op === 'f') {
      if (size !== undefined) throw new TraceError(i + 1, `'f' takes only an ID`);
      if (!live.delete(id)) {
        const first = lastFree(lines, id, i + 1);
        throw new TraceError(i + 1, first === 0 ? `free of unknown id ${id}` : `double free of id ${id} (freed on line ${first})`);
      }
      ops.push({ op: 'f', id });
    } else {
      if (size === undefined) throw new TraceError(i + 1, `'${op}' needs an ID and a SIZE`);
      if (op === 'a') {
        if (live.has(id)) throw new TraceError(i + 1, `id ${id} allocated twice`);
        live.add(id);
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
