/**
 * bench/results.svg, written by hand (no charting dependency): six panels of the run's figures, one colour
 * per contender throughout. Log scales where contenders differ by orders of magnitude.
 */
import { NATIVE, STRATEGIES, THING, THING_NO_COMPACT } from './contenders.js';
import { utilizationOf } from './goals.js';
import type { Results } from './results.js';

const COLORS: Record<string, string> = {
  tlsf: '#1b9e77',
  'first-fit': '#d95f02',
  'next-fit': '#7570b3',
  'best-fit': '#e7298a',
  'worst-fit': '#66a61e',
  [THING]: '#444444',
  [THING_NO_COMPACT]: '#a0a0a0',
  [NATIVE]: '#e6ab02',
};
/** A strategy added without a colour of its own is drawn in grey. */
const colorOf = (name: string) => COLORS[name] ?? '#888888';

const W = 1200;
const PANEL_W = 380;
const PANEL_H = 270;
const TOP = 70;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

function short(x: number): string {
  if (x >= 1e9) return `${+(x / 1e9).toPrecision(2)}G`;
  if (x >= 1e6) return `${+(x / 1e6).toPrecision(2)}M`;
  if (x >= 1e3) return `${+(x / 1e3).toPrecision(2)}k`;
  return `${+x.toPrecision(2)}`;
}

interface Scale {
  at(v: number): number;
  ticks: number[];
}

/** y positions inside [top, bottom] for values in [lo, hi], log10 or linear. */
function scale(values: number[], top: number, bottom: number, log: boolean, fixed?: [number, number]): Scale {
  const ok = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!log) {
    const [lo, hi] = fixed ?? [0, Math.max(...ok, 1)];
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
    return { at: (v) => bottom - ((v - lo) / (hi - lo)) * (bottom - top), ticks };
  }
  const lo = Math.floor(Math.log10(Math.min(...ok, 1e30)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...ok, 1))));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return { at: (v) => bottom - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (bottom - top), ticks };
}

function frame(x: number, y: number, title: string, s: Scale, fmt: (v: number) => string): string[] {
  const out = [text(x + PANEL_W / 2, y + 14, title, 'text-anchor="middle" font-weight="bold"')];
  for (const t of s.ticks) {
    const ty = s.at(t);
    out.push(`<line x1="${x + 50}" x2="${x + PANEL_W}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e4e4e4"/>`);
    out.push(text(x + 46, ty + 4, fmt(t), 'text-anchor="end" font-size="10"'));
  }
  return out;
}

interface BarSpec {
  title: string;
  groups: string[];
  series: string[];
  value: (group: string, series: string) => number | null;
  log: boolean;
  fixed?: [number, number];
  fmt: (v: number) => string;
}

function bars(x: number, y: number, spec: BarSpec): string {
  const top = y + 28;
  const bottom = y + PANEL_H - 50; // room for the slanted trace names
  const values = spec.groups.flatMap((g) => spec.series.map((s) => spec.value(g, s) ?? 0));
  const s = scale(values, top, bottom, spec.log, spec.fixed);
  const out = frame(x, y, spec.title, s, spec.fmt);
  const groupW = (PANEL_W - 60) / spec.groups.length;
  const barW = (groupW - 10) / spec.series.length;
  spec.groups.forEach((g, gi) => {
    const gx = x + 56 + gi * groupW;
    spec.series.forEach((name, si) => {
      const v = spec.value(g, name);
      const bx = gx + si * barW;
      if (v === null || !(v > 0)) {
        out.push(text(bx + barW / 2, bottom - 2, '×', `text-anchor="middle" font-size="9" fill="${colorOf(name)}"`));
        return;
      }
      const by = s.at(v);
      out.push(`<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${(bottom - by).toFixed(1)}" fill="${colorOf(name)}"><title>${esc(`${name}, ${g}: ${spec.fmt(v)}`)}</title></rect>`);
    });
    const lx = gx + (groupW - 10) / 2;
    out.push(text(lx, bottom + 12, g, `text-anchor="end" font-size="10" transform="rotate(-30 ${lx.toFixed(1)} ${(bottom + 12).toFixed(1)})"`));
  });
  return out.join('\n');
}

interface LineSpec {
  title: string;
  xs: number[];
  series: string[];
  value: (x: number, series: string) => number | null;
  fmt: (v: number) => string;
}

function lines(x: number, y: number, spec: LineSpec): string {
  const top = y + 28;
  const bottom = y + PANEL_H - 30;
  const s = scale(spec.xs.flatMap((n) => spec.series.map((c) => spec.value(n, c) ?? 0)), top, bottom, true);
  const out = frame(x, y, spec.title, s, spec.fmt);
  const px = (i: number) => x + 70 + (i / Math.max(1, spec.xs.length - 1)) * (PANEL_W - 90);
  spec.xs.forEach((n, i) => out.push(text(px(i), bottom + 14, `${short(n)} free`, 'text-anchor="middle" font-size="10"')));
  for (const c of spec.series) {
    const pts = spec.xs.map((n, i) => [px(i), spec.value(n, c)] as const).filter(([, v]) => v !== null && v > 0);
    if (pts.length === 0) continue;
    out.push(`<polyline fill="none" stroke="${colorOf(c)}" stroke-width="2" points="${pts.map(([px, v]) => `${px.toFixed(1)},${s.at(v!).toFixed(1)}`).join(' ')}"/>`);
    for (const [px, v] of pts) out.push(`<circle cx="${px.toFixed(1)}" cy="${s.at(v!).toFixed(1)}" r="3" fill="${colorOf(c)}"><title>${esc(`${c}: ${spec.fmt(v!)}`)}</title></circle>`);
  }
  return out.join('\n');
}

function legend(names: string[]): string {
  const out: string[] = [];
  let x = 20;
  for (const n of names) {
    out.push(`<rect x="${x}" y="36" width="12" height="12" fill="${colorOf(n)}"/>`, text(x + 16, 46, n, 'font-size="12"'));
    x += 24 + n.length * 7.5;
  }
  return out.join('\n');
}

export function renderChart(r: Results): string {
  const traces = r.programs.map((p) => p.name);
  const pooled = r.contenders.filter((c) => c !== NATIVE);
  const all = [...pooled, NATIVE];
  const scaled = [...STRATEGIES, THING];
  const median = (key: string, name: string, table: Results['throughput']) => {
    const v = table.get(key)?.get(name);
    return v === undefined || v === 'failed' ? null : v.median;
  };
  const col = (i: number) => 20 + i * (PANEL_W + 10);
  const row = (j: number) => TOP + j * (PANEL_H + 20);
  const m = r.machine;
  const panels = [
    bars(col(0), row(0), { title: 'Node throughput, ops/s (log)', groups: traces, series: all, value: (t, c) => median(t, c, r.throughput), log: true, fmt: short }),
    bars(col(1), row(0), { title: 'Utilization: peak live / smallest pool', groups: traces, series: pooled, value: (t, c) => utilizationOf(r, t, c), log: false, fixed: [0, 1], fmt: (v) => v.toFixed(2) }),
    bars(col(2), row(0), { title: 'XS compute per operation (log)', groups: traces, series: all, value: (t, c) => r.xs.perOp.get(t)?.get(c) ?? null, log: true, fmt: short }),
    ...Object.keys(r.settings.pairSets).map((w, i) =>
      lines(col(i), row(1), { title: `Node ns per alloc+free pair, ${w} (log)`, xs: r.settings.scalingSizes, series: scaled, value: (n, c) => median(`${w}:${n}`, c, r.scaling), fmt: short }),
    ),
    lines(col(2), row(1), { title: 'XS compute per pair, miss (log)', xs: r.settings.scalingSizes, series: scaled, value: (n, c) => r.xs.perPair.get(`miss:${n}`)?.get(c) ?? null, fmt: short }),
  ];
  const H = row(2) + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(20, 22, `mcalloc benchmarks: ${m.cpu}, Node ${m.node}, ${m.date}${r.quick ? ' (--quick)' : ''}`, 'font-size="15" font-weight="bold"'),
    legend(all),
    ...panels,
    text(20, H - 4, '× = out of memory / no result. Tables and method: bench/results.md', 'font-size="10" fill="#666"'),
    '</svg>',
    '',
  ].join('\n');
}
