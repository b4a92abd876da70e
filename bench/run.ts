/**
 * npm run bench [-- --quick] [-- --write] [TRACE_FILE ...]   (usage: bench/args.ts)
 *
 * Checks the command line and reads the trace files first, so that --help and every mistake return at
 * once; only then loads the benchmark. Prints the goals table on stdout, progress on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { outputPlan, readCommandLine } from './args.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const line = readCommandLine(process.argv.slice(2));
if ('code' in line) {
  process.stdout.write(line.out);
  process.stderr.write(line.err);
  process.exit(line.code);
}
const { args, user } = line;

process.chdir(ROOT);
const { measure } = await import('./measure.js');
const { BaselineError, readPrevious } = await import('./previous.js');
const { renderChart } = await import('./chart.js');
const { goalsTable, renderDocs, renderResults } = await import('./report.js');

const started = Date.now();
const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

/** The benchmark page's section is generated too, between its markers, so no figure is typed by hand. */
function withGenerated(doc: string, file: string, section: string): string {
  const begin = '<!-- generated:bench -->';
  const end = '<!-- /generated:bench -->';
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: markers ${begin} ... ${end} not found`);
  return `${doc.slice(0, from + begin.length)}\n${section.trim()}\n${doc.slice(to)}`;
}
// A --write run finds out before minutes of measuring whether it can write the page.
if (args.write) withGenerated(readFileSync('docs/benchmarks.md', 'utf8'), 'docs/benchmarks.md', '');

// Read before measuring: a broken baseline file stops the run at once, in one line.
let previous: ReturnType<typeof readPrevious>;
try {
  previous = readPrevious(ROOT);
} catch (e) {
  if (!(e instanceof BaselineError)) throw e;
  process.stderr.write(`npm run bench: ${e.message}\n`);
  process.exit(2);
}
const results = await measure({ quick: args.quick, user, previous }, log);

const plan = outputPlan(args, ROOT);
writeFileSync(plan.results, renderResults(results));
writeFileSync(plan.chart, renderChart(results));
const written = [plan.results, plan.chart];
if (plan.docs) {
  writeFileSync(plan.docs, withGenerated(readFileSync(plan.docs, 'utf8'), plan.docs, renderDocs(results)));
  written.push(plan.docs);
}
process.stdout.write(`Goals (${args.quick ? '--quick run' : 'full run'}, ${results.seconds.toFixed(0)} s)\n${goalsTable(results)}\n\n`);
process.stdout.write(`All figures: ${written.join(', ')}${plan.tracked ? '' : '\n(a temporary directory; no file of the repository changed: npm run bench -- --write records a full run there)'}\n`);
