/**
 * The target table of docs/device.md, from targets/*.json alone: written by `npm run device-doc`
 * (device-doc.ts) and compared with the page by test/docs.test.ts, so it never drifts from the files.
 */
import { loadTargets } from '../../build/targets.mjs';

const kib = (n: number) => (n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);
const yes = (b: boolean) => (b ? 'yes' : '');

export function targetTable(dir = 'targets'): string {
  return [
    '| target | strategy | lock | pool | debug | trace | preemption points | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...loadTargets(dir).map((t) =>
      `| \`${t.name}\` | ${t.strategy} | ${t.lock} | ${kib(t.poolSize)} | ${yes(t.debug)} | ${yes(t.trace)} | ${yes(t.preempt)} | ${t.note} |`),
  ].join('\n');
}

/** The text between `<!-- generated:NAME -->` and its end marker. */
export function generatedSection(text: string, name: string): string | undefined {
  const begin = `<!-- generated:${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(`<!-- /generated:${name} -->`);
  return from < 0 || to < from ? undefined : text.slice(from + begin.length, to).trim();
}
