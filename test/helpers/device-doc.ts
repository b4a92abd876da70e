/**
 * Regenerates the device tables of docs/device.md from the build, so that no figure there is typed by hand:
 * the targets (targets/*.json), bundle sizes (dist/targets/sizes.json) and the XS compute meter of the
 * parity workload (test/helpers/workload.ts, the same script and seed as test/xs-parity.test.ts).
 *
 *   npm run device-doc        (builds first; rewrites the text between the generated markers)
 *
 * A script, not a test: sizes and compute change with every change to src/, and a test that pinned them
 * would fail for the wrong reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTargets } from '../../build/targets.mjs';
import { closeXSHost, runInXS } from './xs.js';
import { targetTable } from './target-table.js';
import { PARITY, workloadScript, type WorkloadResult } from './workload.js';

const DOC = 'docs/device.md';

interface Size { raw: number; gzip: number }

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function replaceSection(text: string, name: string, body: string): string {
  const begin = `<!-- generated:${name} -->`;
  const end = `<!-- /generated:${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${DOC}: markers ${begin} ... ${end} not found`);
  return `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
}

async function main(): Promise<void> {
  const targets = loadTargets('targets');
  const sizes = JSON.parse(readFileSync(join('dist', 'targets', 'sizes.json'), 'utf8')) as Record<string, Size>;
  const computes = await Promise.all(targets.map(async (t) => {
    const script = workloadScript({ ...PARITY, poolSize: t.poolSize, strategy: t.strategy, lock: t.lock, debug: t.debug });
    const run = await runInXS<WorkloadResult>(readFileSync(join('dist', 'targets', t.name, 'mcalloc.js'), 'utf8'), script);
    return { compute: run.compute, load: run.loadCompute, failed: run.result.failed };
  }));
  closeXSHost();

  const sizeRows = targets.map((t, i) => {
    const s = sizes[t.name];
    if (!s) throw new Error(`dist/targets/sizes.json has no ${t.name}: run npm run build`);
    const c = computes[i];
    return `| \`${t.name}\` | ${grouped(s.raw)} | ${grouped(s.gzip)} | ${grouped(c.load)} | ${grouped(c.compute)} | ${grouped(Math.round(c.compute / PARITY.operations))} | ${grouped(c.failed)} |`;
  });

  let text = readFileSync(DOC, 'utf8');
  text = replaceSection(text, 'targets', targetTable());
  text = replaceSection(text, 'sizes', [
    `| target | bytes (minified) | gzip -9 | XS compute: load | XS compute: workload | workload ÷ ${grouped(PARITY.operations)} calls | calls that returned 0 |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...sizeRows,
  ].join('\n'));
  writeFileSync(DOC, text);
  console.log(`${DOC}: ${targets.length} targets`);
}

await main();
