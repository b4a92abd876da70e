/**
 * The issue's goals, checked against the measured figures. Where @thi.ng/malloc has two configurations
 * (merging free blocks, its default, and not), each goal is held against whichever is stronger on that
 * figure and trace, so no goal is met by picking thi.ng's weaker setting.
 */
import { STRATEGIES, THING, THING_NO_COMPACT } from './contenders.js';
import type { Results } from './report.js';
import { geomean } from './stats.js';

export interface GoalCheck {
  goal: string;
  figures: string;
  met: boolean;
}

const THINGS = [THING, THING_NO_COMPACT];
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function throughputOf(r: Results, trace: string, name: string): number | null {
  const v = r.throughput.get(trace)?.get(name);
  return v === undefined || v === 'failed' ? null : v.median;
}

export function utilizationOf(r: Results, trace: string, name: string): number | null {
  const pool = r.minimalPools.get(trace)?.get(name);
  const p = r.programs.find((x) => x.name === trace)!;
  return pool == null ? null : p.peakLiveBytes / pool;
}

/** The strongest of thi.ng's configurations on a figure (max for higher-is-better, min otherwise). */
function bestThing(values: (number | null)[], higherIsBetter: boolean): number | null {
  const ok = values.filter((v): v is number => v !== null);
  if (ok.length === 0) return null;
  return higherIsBetter ? Math.max(...ok) : Math.min(...ok);
}

/** The mcalloc strategy with the best geometric-mean utilization over the traces. */
export function bestStrategy(r: Results): { name: string; geomean: number } {
  let best = { name: STRATEGIES[0] as string, geomean: -1 };
  for (const s of STRATEGIES) {
    const g = geomean(r.programs.map((p) => utilizationOf(r, p.name, s) ?? 0)); // NaN if one trace never completes
    if (g > best.geomean) best = { name: s, geomean: g };
  }
  return best;
}

export function checkGoals(r: Results): GoalCheck[] {
  const traces = r.programs.map((p) => p.name);
  const out: GoalCheck[] = [];

  const ratios = traces.map((t) => {
    const thing = bestThing(THINGS.map((n) => throughputOf(r, t, n)), true);
    const tlsf = throughputOf(r, t, 'tlsf');
    return thing && tlsf ? tlsf / thing : NaN;
  });
  const g = geomean(ratios);
  out.push({
    goal: 'TLSF throughput >= 5x @thi.ng/malloc (geometric mean over traces, Node)',
    figures: `${f2(g)}x (per trace: ${traces.map((t, i) => `${t} ${f2(ratios[i])}x`).join(', ')})`,
    met: g >= 5,
  });

  const best = bestStrategy(r);
  const perTrace = traces.map((t) => ({ t, u: utilizationOf(r, t, best.name), thing: bestThing(THINGS.map((n) => utilizationOf(r, t, n)), true) }));
  const beats = perTrace.every((x) => x.u !== null && (x.thing === null || x.u >= x.thing));
  out.push({
    goal: "Best strategy's utilization >= @thi.ng/malloc's on every trace",
    figures: `${best.name}: ${perTrace.map((x) => `${x.t} ${f2(x.u ?? NaN)} vs ${f2(x.thing ?? NaN)}`).join(', ')}`,
    met: beats,
  });
  // The other reading of "best strategy": the best mcalloc strategy on each trace.
  const perTraceBest = traces.map((t) => {
    const u = Math.max(...STRATEGIES.map((s) => utilizationOf(r, t, s) ?? 0));
    const thing = bestThing(THINGS.map((n) => utilizationOf(r, t, n)), true);
    return { t, u, thing, name: STRATEGIES.find((s) => utilizationOf(r, t, s) === u)! };
  });
  out.push({
    goal: '(same, reading "best" per trace: the best strategy on each trace)',
    figures: perTraceBest.map((x) => `${x.t} ${x.name} ${f2(x.u)} vs ${f2(x.thing ?? NaN)}`).join(', '),
    met: perTraceBest.every((x) => x.thing === null || x.u >= x.thing),
  });
  const ceiling = geomean(r.programs.map((p) => p.ceiling));
  out.push({
    goal: "Best strategy's utilization >= 0.90 (geometric mean)",
    figures: `${best.name}: ${f2(best.geomean)}; per-trace best: ${f2(geomean(perTraceBest.map((x) => x.u)))}; ceiling of the 8-byte block header alone: ${f2(ceiling)}`,
    met: best.geomean >= 0.9,
  });

  const xsRatios = traces.map((t) => {
    const row = r.xs.perOp.get(t)!;
    const thing = bestThing(THINGS.map((n) => row.get(n) ?? null), false);
    const tlsf = row.get('tlsf');
    return thing && tlsf ? tlsf / thing : NaN;
  });
  out.push({
    goal: "TLSF XS compute per operation <= 1/3 of @thi.ng/malloc's on every trace",
    figures: traces.map((t, i) => `${t} ${f2(xsRatios[i])}`).join(', ') + ' (ratio tlsf / thi.ng)',
    met: xsRatios.every((x) => x <= 1 / 3),
  });

  const scale: string[] = [];
  let scaleMet = true;
  for (const workload of Object.keys(r.settings.pairSets)) {
    const node10 = r.scaling.get(`${workload}:10`)?.get('tlsf');
    const node10k = r.scaling.get(`${workload}:10000`)?.get('tlsf');
    const nodeRatio = node10 && node10k && node10 !== 'failed' && node10k !== 'failed' ? node10k.median / node10.median : NaN;
    const xs10 = r.xs.perPair.get(`${workload}:10`)?.get('tlsf');
    const xs10k = r.xs.perPair.get(`${workload}:10000`)?.get('tlsf');
    const xsRatio = xs10 && xs10k ? xs10k / xs10 : NaN;
    scale.push(`${workload}: Node ${f2(nodeRatio)}x, XS ${f2(xsRatio)}x`);
    scaleMet &&= nodeRatio <= 1.5 && xsRatio <= 1.5;
  }
  out.push({ goal: 'TLSF cost per allocate+free pair at 10,000 free blocks <= 1.5x its cost at 10', figures: scale.join('; '), met: scaleMet });
  return out;
}
