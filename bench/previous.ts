/**
 * The figures a run is held to: bench/results.md of the baseline commit named in bench/baseline.json
 * (the run before the work under way; a new piece of work pins a new one there), read back from its
 * tables, so that a run can say whether utilization fell on any trace. Without that commit (a shallow
 * clone, no git) it falls back to the results last committed, and says so. Utilization is deterministic
 * (the smallest pool found by a verified binary search), so the three decimals printed are compared as
 * they are.
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

const BASELINE = 'bench/baseline.json';

/** bench/results.md as of commit `rev`, with the commit's short hash and date; null if git cannot show it. */
function resultsAt(root: string, rev: string): { text: string; commit: string } | null {
  const show = spawnSync('git', ['show', `${rev}:${RESULTS}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (show.status !== 0 || !show.stdout) return null;
  const log = spawnSync('git', ['log', '-1', '--format=%h %cs', rev, '--', RESULTS], { cwd: root, encoding: 'utf8' });
  return { text: show.stdout, commit: log.status === 0 ? log.stdout.trim() : rev };
}

/** A baseline file that cannot be read as one: the bench stops with this message before measuring. */
export class BaselineError extends Error {}

function baselineRev(root: string): string | null {
  const file = join(root, BASELINE);
  if (!existsSync(file)) return null;
  let rev: unknown;
  try {
    rev = (JSON.parse(readFileSync(file, 'utf8')) as { rev?: unknown } | null)?.rev;
  } catch (e) {
    throw new BaselineError(`${BASELINE}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof rev !== 'string' || !/^[0-9a-f]{7,40}$/.test(rev)) throw new BaselineError(`${BASELINE}: "rev" must be a commit hash (got ${JSON.stringify(rev)})`);
  return rev;
}

/** The results a run is held to, and where they come from, for the goals table. */
function heldTo(root: string): { text: string; source: string } | null {
  const rev = baselineRev(root);
  const base = rev === null ? null : resultsAt(root, rev);
  if (base) return { text: base.text, source: `${RESULTS} of the baseline run (${base.commit}, named in ${BASELINE})` };
  const missing = rev === null ? '' : ` (the baseline ${rev} of ${BASELINE} is not in this clone)`;
  const head = resultsAt(root, 'HEAD');
  if (head) return { text: head.text, source: `${RESULTS} as committed (${head.commit})${missing}` };
  const file = join(root, RESULTS);
  return existsSync(file) ? { text: readFileSync(file, 'utf8'), source: `${RESULTS} before this run (not in git)${missing}` } : null;
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
  const c = heldTo(root);
  return c ? parsePrevious(c.text, c.source) : null;
}
