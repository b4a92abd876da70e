/** The text the CLI prints: the per-strategy table, the recommendation and the worst-case bounds. */
import { MAX_POOL } from '../../src/pool.js';
import type { TuneResult } from './tune.js';

function table(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** How close the search got: exact, or how far below it every size was replayed and failed. */
export function searchNote(s: { size: number; scannedDownTo: number; exact: boolean }): string {
  return s.exact ? 'exact' : `none in -${pct((s.size - s.scannedDownTo) / s.size)}`;
}

export interface FormatContext {
  traceName: string;
  target?: { name: string; poolSize: number; strategy: string; file?: string; from?: 'option' | 'header'; copyTo?: string };
  /** --write was given: the CLI says what it wrote, so no "would set" line. */
  willWrite?: boolean;
}

export function formatResult(r: TuneResult, ctx: FormatContext): string {
  const p = r.profile;
  const n = p.minSize > 0 ? p.maxSize / p.minSize : 1;
  const out: string[] = [];
  out.push(`trace ${ctx.traceName}: ${p.operations} operations, ${p.allocations} allocations`);
  out.push(`peak live requested bytes M = ${p.peakLiveBytes}; requests ${p.minSize}..${p.maxSize} bytes (n = ${+n.toFixed(1)})`);
  out.push(`as blocks: peak ${p.peakBlockBytes} bytes (both copies counted while a reallocate moves) in at most ${p.peakBlocks} blocks of ${p.minBlock}..${p.maxBlock} bytes;`);
  out.push(`  no pool below ${p.lowerBound} can complete it (peak live blocks + the smallest header)`);
  if (ctx.target) {
    const where = [ctx.target.from === 'header' ? "named by the trace's header line" : '', ctx.target.file ?? ''].filter(Boolean).join(', ');
    out.push(`target ${ctx.target.name}: ${ctx.target.strategy}, poolSize ${ctx.target.poolSize}${where ? ` (${where})` : ''}`);
  }
  out.push('');
  const failHead = ctx.target ? `fails @${ctx.target.poolSize}` : 'fails @current';
  const rows = [['strategy', 'smallest pool', 'search', 'utilization', failHead, 'worst op', 'mean op', `+${pct(r.headroom)}`]];
  for (const s of r.results) {
    rows.push([
      s.strategy,
      String(s.search.size),
      searchNote(s.search),
      pct(s.utilization),
      s.failuresAtCurrent === null ? '-' : String(s.failuresAtCurrent),
      String(s.cost.worst),
      s.cost.mean.toFixed(1),
      String(s.withHeadroom),
    ]);
  }
  out.push(table(rows, [false, true, false, true, true, true, true, true]));
  out.push('');
  out.push('search: "exact" = every multiple of 8 from the lower bound up was replayed; "none in -x%" = every size');
  out.push('  that much below the answer was replayed and failed (the answer is the smallest one found).');
  out.push('worst op / mean op: pool words read by the free structure in one operation, at the smallest pool');
  out.push('  (deterministic; time on the device grows with it). utilization: M / smallest pool.');
  out.push('');
  const rec = r.recommended;
  const picked = r.results.find((s) => s.strategy === rec.strategy)!;
  out.push(`recommended: strategy ${rec.strategy}, poolSize ${rec.poolSize}`);
  out.push(`  (${rec.reason}; smallest pool ${picked.search.size} + ${pct(r.headroom)} headroom, rounded up, replayed: completes)`);
  const t = r.results.find((s) => s.strategy === 'tlsf');
  if (t && rec.strategy !== 'tlsf') {
    out.push(`  tlsf needs ${pct(t.search.size / picked.search.size - 1)} more pool here, but its operations take bounded time on every trace;`);
    out.push(`  the list strategies' grow with the number of free blocks (interrupts stay masked that long with lock 'interrupt').`);
  }
  if (ctx.target && !ctx.willWrite) {
    const own = r.results.find((s) => s.strategy === ctx.target!.strategy);
    const where = ctx.target.copyTo ? `copy ${ctx.target.file} to ${ctx.target.copyTo} and set` : `set ${ctx.target.file ?? `targets/${ctx.target.name}.json`}`;
    if (own) out.push(`--write would ${where} poolSize ${ctx.target.poolSize} -> ${own.withHeadroom} (for its own strategy, ${own.strategy})`);
  }
  out.push('');
  out.push(`worst case: a pool that completes ANY trace with M = ${p.peakBlockBytes} block bytes, k = ${p.peakBlocks} blocks, B = ${p.maxBlock}, b = ${p.minBlock}:`);
  const brows = [['strategy', 'pool', 'bound', 'source']];
  for (const s of r.results) brows.push([s.strategy, s.boundPool > MAX_POOL ? `${s.boundPool} (over the pool limit)` : String(s.boundPool), s.bound.formula, s.bound.source]);
  out.push(table(brows, [false, true, false, false]));
  out.push(`any allocator that does not move blocks can be forced to about ${r.robsonFloorPool} (½·M·log2(B/b), Robson 1971/1974).`);
  return out.join('\n') + '\n';
}
