/**
 * The visual report, hand-written SVG (no chart library: the file must stand alone and stay small).
 *
 *   [ smallest pool per strategy: bars, with the lower bound, current and recommended pools marked ]
 *   [ per strategy: used bytes (area) and largest free block (line) over the trace, failures in red ]
 *   [ per strategy: the heap at its peak, one bar of the pool, used blocks blue, free blocks light   ]
 *
 * All strategies run in the same pool (the recommended size) so the rows compare like with like.
 * Colours are from the Okabe-Ito palette (readable with colour-vision deficiencies).
 */
import type { Series } from './series.js';
import type { TuneResult } from './tune.js';

const W = 960;
const LEFT = 110;
const PLOT = W - LEFT - 20;
const C = { used: '#0072B2', free: '#E69F00', freeLight: '#F6D08A', fail: '#D55E00', header: '#999999', grid: '#dddddd', text: '#222222', light: '#f2f2f2', ok: '#009E73' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r1 = (x: number) => Math.round(x * 10) / 10;

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}" ${attrs}>${esc(s)}</text>`;
}

function kib(n: number): string {
  return n >= 1024 ? `${r1(n / 1024)} KiB` : `${n} B`;
}

export interface ReportInput {
  result: TuneResult;
  series: Series[];
  traceName: string;
  currentPool?: number;
}

function poolBars(input: ReportInput, y0: number): [string, number] {
  const { result } = input;
  const marks = [
    { x: result.profile.lowerBound, label: 'lower bound', color: C.header },
    { x: result.recommended.poolSize, label: 'recommended', color: C.ok },
    ...(input.currentPool ? [{ x: input.currentPool, label: 'current', color: C.text }] : []),
  ];
  const max = Math.max(...result.results.map((r) => r.search.size), ...marks.map((m) => m.x)) * 1.05;
  const sx = (v: number) => LEFT + (v / max) * PLOT;
  const out: string[] = [text(10, y0 + 14, 'Smallest pool that completes the trace', 'class="h"')];
  let y = y0 + 28;
  for (const r of result.results) {
    const rec = r.strategy === result.recommended.strategy;
    out.push(text(LEFT - 8, y + 13, r.strategy, 'text-anchor="end"'));
    out.push(`<rect x="${LEFT}" y="${y}" width="${r1(sx(r.search.size) - LEFT)}" height="18" fill="${rec ? C.ok : C.used}"><title>${r.strategy}: ${r.search.size} bytes</title></rect>`);
    out.push(text(sx(r.search.size) + 4, y + 13, `${r.search.size} B`, 'class="s"'));
    y += 24;
  }
  marks.forEach((m, i) => {
    out.push(`<line x1="${r1(sx(m.x))}" x2="${r1(sx(m.x))}" y1="${y0 + 24}" y2="${y + 2}" stroke="${m.color}" stroke-dasharray="4 3"/>`);
    out.push(text(sx(m.x), y + 14 + 12 * i, `${m.label} ${m.x}`, `class="s" text-anchor="middle" fill="${m.color}"`));
  });
  return [out.join('\n'), y + 14 + 12 * marks.length + 10];
}

function timeline(s: Series, ops: number, y0: number, h: number): string {
  const top = s.heapSize;
  const sx = (i: number) => LEFT + (ops > 1 ? (i / (ops - 1)) * PLOT : 0);
  const sy = (v: number) => y0 + h - (Math.min(v, top) / top) * h;
  const out: string[] = [];
  out.push(`<rect x="${LEFT}" y="${y0}" width="${PLOT}" height="${h}" fill="${C.light}"/>`);
  for (const f of [0.25, 0.5, 0.75]) out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT}" y1="${r1(sy(top * f))}" y2="${r1(sy(top * f))}" stroke="${C.grid}"/>`);
  if (s.points.length) {
    const used = s.points.map((p) => `${r1(sx(p.op))},${r1(sy(p.used))}`).join(' ');
    out.push(`<polygon points="${r1(sx(s.points[0].op))},${y0 + h} ${used} ${r1(sx(s.points[s.points.length - 1].op))},${y0 + h}" fill="${C.used}" fill-opacity="0.75"/>`);
    out.push(`<polyline points="${s.points.map((p) => `${r1(sx(p.op))},${r1(sy(p.largestFree))}`).join(' ')}" fill="none" stroke="${C.free}" stroke-width="1.5"/>`);
  }
  const failTicks = s.failures.length > 300 ? s.failures.filter((_, i) => i % Math.ceil(s.failures.length / 300) === 0) : s.failures;
  for (const f of failTicks) out.push(`<line x1="${r1(sx(f))}" x2="${r1(sx(f))}" y1="${y0}" y2="${y0 + h}" stroke="${C.fail}" stroke-width="1.5" stroke-opacity="0.7"><title>op ${f} failed</title></line>`);
  out.push(`<line x1="${r1(sx(s.peakOp))}" x2="${r1(sx(s.peakOp))}" y1="${y0}" y2="${y0 + h}" stroke="${C.text}" stroke-dasharray="2 2"><title>peak: op ${s.peakOp}, ${s.peakUsed} bytes used</title></line>`);
  out.push(text(LEFT - 8, y0 + 12, s.config.strategy, 'text-anchor="end"'));
  out.push(text(LEFT - 8, y0 + 26, s.failures.length ? `${s.failures.length} failed` : 'completes', `text-anchor="end" class="s" fill="${s.failures.length ? C.fail : C.ok}"`));
  out.push(text(LEFT - 8, y0 + 40, `0..${kib(top)}`, 'text-anchor="end" class="s" fill="#777777"'));
  return out.join('\n');
}

function heapMap(s: Series, y0: number, h: number): string {
  const pool = s.config.poolSize;
  const sx = (v: number) => LEFT + (v / pool) * PLOT;
  const out: string[] = [];
  const first = s.peakBlocks.length ? s.peakBlocks[0].offset : 0;
  out.push(`<rect x="${LEFT}" y="${y0}" width="${r1(sx(first) - LEFT)}" height="${h}" fill="${C.header}"><title>header: ${first} bytes</title></rect>`);
  let usedBytes = 0, usedN = 0, freeBytes = 0, freeN = 0, largest = 0;
  for (const b of s.peakBlocks) {
    if (b.used) { usedBytes += b.size; usedN++; } else { freeBytes += b.size; freeN++; largest = Math.max(largest, b.size); }
  }
  let marked = false;
  for (const b of s.peakBlocks) {
    const w = Math.max(sx(b.offset + b.size) - sx(b.offset), 0.3);
    // The largest free block in the timeline's colour: the biggest request that would fit right now.
    const isLargest = !b.used && !marked && b.size === largest;
    if (isLargest) marked = true;
    const fill = b.used ? C.used : isLargest ? C.freeLight : C.light;
    out.push(`<rect x="${r1(sx(b.offset))}" y="${y0}" width="${r1(w)}" height="${h}" fill="${fill}"${b.used ? ' stroke="#ffffff" stroke-width="0.3"' : ''}><title>${b.used ? 'used' : 'free'} block at ${b.offset}: ${b.size} bytes</title></rect>`);
  }
  out.push(`<rect x="${LEFT}" y="${y0}" width="${PLOT}" height="${h}" fill="none" stroke="${C.text}" stroke-width="0.5"/>`);
  out.push(text(LEFT - 8, y0 + h / 2 + 4, s.config.strategy, 'text-anchor="end"'));
  out.push(text(LEFT, y0 + h + 12, `op ${s.peakOp}: ${usedBytes} B used in ${usedN} blocks; ${freeBytes} B free in ${freeN} blocks, largest ${largest} B`, 'class="s"'));
  return out.join('\n');
}

export function reportSvg(input: ReportInput): string {
  const { result } = input;
  const p = result.profile;
  const parts: string[] = [];
  parts.push(text(10, 22, `mcalloc tune: ${input.traceName}`, 'class="t"'));
  parts.push(text(10, 40, `${p.operations} operations; peak live ${p.peakLiveBytes} B requested (${p.peakBlockBytes} B as blocks); requests ${p.minSize}..${p.maxSize} B. Recommended: ${result.recommended.strategy}, poolSize ${result.recommended.poolSize}.`, 'class="s"'));
  const [bars, afterBars] = poolBars(input, 52);
  parts.push(bars);
  let y = afterBars;
  const pool = input.series[0]?.config.poolSize ?? 0;
  parts.push(text(10, y + 14, `Over the trace, all in a ${pool}-byte pool: used bytes and the largest free block`, 'class="h"'));
  parts.push(`<rect x="${LEFT}" y="${y + 22}" width="12" height="10" fill="${C.used}"/>` + text(LEFT + 16, y + 31, 'used bytes (blocks, headers included)', 'class="s"'));
  parts.push(`<line x1="${LEFT + 260}" x2="${LEFT + 276}" y1="${y + 27}" y2="${y + 27}" stroke="${C.free}" stroke-width="2"/>` + text(LEFT + 280, y + 31, 'largest free block (largest request that fits)', 'class="s"'));
  parts.push(`<line x1="${LEFT + 580}" x2="${LEFT + 580}" y1="${y + 22}" y2="${y + 32}" stroke="${C.fail}" stroke-width="2"/>` + text(LEFT + 586, y + 31, 'failed request', 'class="s"'));
  parts.push(`<line x1="${LEFT + 690}" x2="${LEFT + 690}" y1="${y + 22}" y2="${y + 32}" stroke="${C.text}" stroke-dasharray="2 2"/>` + text(LEFT + 696, y + 31, 'peak (heap map below)', 'class="s"'));
  y += 42;
  for (const s of input.series) {
    parts.push(timeline(s, p.operations, y, 70));
    y += 82;
  }
  parts.push(text(LEFT, y + 4, `operation 0 … ${p.operations - 1}`, 'class="s"'));
  y += 16;
  parts.push(text(10, y + 14, 'The pool at its peak: used blocks blue, free blocks light, the largest free block orange, header grey', 'class="h"'));
  y += 26;
  for (const s of input.series) {
    parts.push(heapMap(s, y, 24));
    y += 46;
  }
  const style = `<style>text{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:12px;fill:${C.text}}.t{font-size:17px;font-weight:600}.h{font-size:14px;font-weight:600}.s{font-size:11px}</style>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 10}" viewBox="0 0 ${W} ${y + 10}">\n${style}\n<rect width="100%" height="100%" fill="#ffffff"/>\n${parts.join('\n')}\n</svg>\n`;
}

export function reportHtml(input: ReportInput, tableText: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mcalloc tune: ${esc(input.traceName)}</title>
<style>body{font-family:system-ui,sans-serif;margin:16px;color:#222}pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:12px}</style>
</head><body>
${reportSvg(input)}
<pre>${esc(tableText)}</pre>
</body></html>
`;
}
