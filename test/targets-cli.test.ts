/** `mcalloc targets`: which file each target name means, the user's directory before the shipped one. */
import test from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_TARGETS } from '../sim/package.js';
import { main } from '../sim/targets-cli.js';
import { scratchDir } from './helpers/scratch.js';

async function run(argv: string[]) {
  let out = '', err = '';
  const code = await main(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

const shippedNames = readdirSync(PACKAGE_TARGETS).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

test('lists your targets and the shipped ones, says which one a name means', async (t) => {
  const dir = scratchDir('mcalloc-targets-cli-', (f) => t.teardown(f));
  writeFileSync(join(dir, 'myboard.json'), JSON.stringify({ poolSize: 12288, strategy: 'best-fit', lock: 'none', alignment: 8, debug: false, note: 'x' }));
  writeFileSync(join(dir, 'sim.json'), JSON.stringify({ poolSize: 50176, strategy: 'tlsf', lock: 'interrupt', alignment: 8, debug: false, note: 'tuned' }));
  writeFileSync(join(dir, 'typo.json'), '{ "poolSize": ');
  const r = await run(['--targets', dir]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, new RegExp(`^myboard +best-fit +12288 +none +yours: ${dir}/myboard\\.json$`, 'm'));
  t.regex(r.out, new RegExp(`^sim +tlsf +50176 +interrupt +yours: ${dir}/sim\\.json \\(used instead of the shipped one\\)$`, 'm'));
  t.regex(r.out, /^esp32 +tlsf +65536 +none +shipped: .*targets\/esp32\.json$/m);
  t.regex(r.out, /^typo +\? +\? +\? +yours: .*typo\.json; not valid JSON/m, 'a broken file is listed, with why');
  t.regex(r.out, new RegExp(`^searched: ${dir}, then .* \\(shipped with mcalloc\\)$`, 'm'));
  const doc = JSON.parse((await run(['--targets', dir, '--json'])).out);
  t.deepEqual(doc.targets.map((x: { name: string }) => x.name), [...new Set([...shippedNames, 'myboard', 'sim', 'typo'])].sort());
  const sim = doc.targets.find((x: { name: string }) => x.name === 'sim');
  t.deepEqual([sim.shipped, sim.poolSize, sim.shadows], [false, 50176, join(PACKAGE_TARGETS, 'sim.json')]);
});

test('bad options: one line on stderr, exit code 2', async (t) => {
  for (const [argv, says] of [
    [['--targets', '/nonexistent'], /^mcalloc targets: --targets \/nonexistent: no such directory\n$/],
    [['--target', 'x'], /^mcalloc targets: unknown option --target \(did you mean --targets\?\)/],
    [['extra'], /^mcalloc targets: unexpected argument "extra"/],
  ] as const) {
    const r = await run([...argv]);
    t.is(r.code, 2, argv.join(' '));
    t.regex(r.err, says);
    t.is(r.out, '');
  }
});
