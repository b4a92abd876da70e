/**
 * The figures of the last committed full run (bench/results.md as of git HEAD, else the file on disk),
 * read back from its tables, so that a run can say whether utilization fell on any trace. Utilization is
 * deterministic (the smallest pool found by a verified binary search), so the three decimals printed are
 * compared as they are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Previous {
  /** Where the figures come from, for the goals table. */
  source: string;
  /** Each trace as it was then: a trace whose figures differ now is a different trace, not compared. */
  traces: Map<string, { operations: number; peakLiveBytes: number }>;
  /** utilization[trace][contender]; null where the contender found no pool. */
  utilization: Map<string, Map<string, number | null>>;
}

const RESULTS = 'bench/results.md';

function committed(root: string): { text: string; source: string } | null {
  const show = spawnSync('git', ['show', `HEAD:${RESULTS}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (show.status === 0 && show.stdout) {
    const rev = spawnSync('git', ['log', '-1', '--format=%h %cs', '--', RESULTS], { cwd: root, encoding: 'utf8' });
    return { text: show.stdout, source: `${RESULTS} as committed${rev.status === 0 && rev.stdout.trim() ? ` (${rev.stdout.trim()})` : ''}` };
  }
  const file = join(root, RESULTS);
  return existsSync(file) ? { text: readFileSync(file, 'utf8'), source: `${RESULTS} before this run (not in git)` } : null;
}

/** The rows of the markdown table under the first heading that starts with `heading`. */
function tableAfter(text: string, heading: string): string[][] | null {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`### ${heading}`));
  if (at < 0) return null;
  const rows: string[][] = [];
  for (let i = at + 1; i < lines.length && (lines[i].startsWith('|') || rows.length === 0); i++) {
    if (!lines[i].startsWith('|')) continue;
    rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows.length >= 2 ? [rows[0], ...rows.slice(2)] : null; // header, then the body without the --- line
}

const number = (cell: string) => Number(cell.replace(/[^\d.]/g, ''));

/** Parses the results page; null when it is not there or not in the expected shape. */
export function parsePrevious(text: string, source: string): Previous | null {
  const traceRows = tableAfter(text, 'Traces');
  const utilRows = tableAfter(text, 'Memory efficiency');
  if (!traceRows || !utilRows) return null;
  const traces = new Map(traceRows.slice(1).map((r) => [r[0], { operations: number(r[1]), peakLiveBytes: number(r[2]) }] as const));
  const [header, ...body] = utilRows;
  const utilization = new Map<string, Map<string, number | null>>();
  for (const row of body) {
    if (!traces.has(row[0])) continue; // the geometric-mean row
    const m = new Map<string, number | null>();
    header.forEach((name, i) => {
      if (i === 0) return;
      const u = /^(\d+\.\d+) \(/.exec(row[i] ?? '');
      m.set(name, u ? Number(u[1]) : null);
    });
    utilization.set(row[0], m);
  }
  return utilization.size > 0 ? { source, traces, utilization } : null;
}

export function readPrevious(root: string): Previous | null {
  const c = committed(root);
  return c ? parsePrevious(c.text, c.source) : null;
}
