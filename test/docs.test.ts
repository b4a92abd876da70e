/**
 * README.md and docs/*.md as a new user reads them: the README fits on a few screens, every link
 * resolves, every command is run here or by the test named for it (test/helpers/docs.ts, ELSEWHERE),
 * every documented output is what a fresh run prints, and the JavaScript examples run.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseSimArgs } from '../sim/args.js';
import { parseTuneArgs } from '../sim/tune/cli.js';
import { parseTargetsArgs } from '../sim/targets-cli.js';
import { generatedSection, targetTable } from './helpers/target-table.js';
import { ELSEWHERE, ROOT, Scratch, TEST_OPS, lighter, blocks, docFiles, masked, mcallocArgs, runModule, sessions, shCommands } from './helpers/docs.js';
import { scratchDir } from './helpers/scratch.js';

const README_LIMIT = 12_000;

test('README.md fits on a few screens', (t) => {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const size = Buffer.byteLength(text);
  const sections = text.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
  t.log(`README.md: ${size} bytes; sections: ${sections.join(' | ')}`);
  t.true(size <= README_LIMIT, `${size} bytes`);
  t.deepEqual(sections.slice(0, 3), ['Install', 'The two commands', 'Quick start'], 'what it is, then install, the two commands and the quick start first');
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) => heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

test('every relative link resolves, anchors included', (t) => {
  let links = 0;
  for (const file of docFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      links++;
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), path);
      t.true(existsSync(resolved), `${file}: ${target}`);
      if (anchor && resolved.endsWith('.md')) {
        const headings = readFileSync(resolved, 'utf8').split('\n').filter((l) => /^#+ /.test(l)).map((l) => slug(l.replace(/^#+ /, '')));
        t.true(headings.includes(anchor), `${file}: ${target}`);
      }
    }
  }
  t.true(links > 10);
});

const all = docFiles().flatMap((file) => blocks(file));

for (const b of all.filter((x) => x.lang === 'sh')) {
  test(`${b.file}:${b.line}: every command runs or is run elsewhere`, async (t) => {
    const scratch = new Scratch();
    try {
      for (const { command, comment } of shCommands(b.body)) {
        const args = mcallocArgs(command);
        if (args === null) {
          const where = ELSEWHERE.find(([re]) => re.test(command));
          t.truthy(where, `not run by any test: ${command}`);
          continue;
        }
        const r = await scratch.run(lighter(args));
        const expected = /exit code 1/.test(comment) ? 1 : 0;
        t.is(r.code, expected, `${command}: ${r.stderr}`);
        t.true(r.stdout.length > 0, command);
        t.notRegex(r.stderr, /\bat .*\.js:\d+/, `${command}: a stack trace`);
      }
    } finally {
      scratch.close();
    }
  });
}

for (const b of all.filter((x) => x.lang === 'text' && x.body.startsWith('$ '))) {
  test(`${b.file}:${b.line}: the documented output is what a fresh run prints (npm run docs -- --write)`, async (t) => {
    const scratch = new Scratch();
    try {
      for (const s of sessions(b.body)) {
        const args = mcallocArgs(s.command);
        t.truthy(args, s.command);
        const r = await scratch.run(args!);
        t.is(masked(r.stdout), masked(s.output), s.command);
        for (const [f, content] of r.written) t.is(content, readFileSync(join(ROOT, f), 'utf8'), `${f}, written by ${s.command}, is stale`);
      }
    } finally {
      scratch.close();
    }
  });
}

for (const b of all.filter((x) => x.lang === 'js' && !/\b(fragment|device)\b/.test(x.info))) {
  test(`${b.file}:${b.line}: the example runs`, async (t) => {
    const { stdout } = await runModule(b.body);
    const expected = [...b.body.matchAll(/console\.log\(.*\); *\/\/ (.*)$/gm)].map((m) => m[1].trim());
    t.deepEqual(stdout.trim().split('\n').filter(Boolean), expected, 'console.log lines print what their comments say');
  });
}

test('inline commands: mcalloc options the commands know, every other command run elsewhere', (t) => {
  let n = 0;
  const problems: string[] = [];
  const parses = (f: () => unknown, what: string) => {
    try {
      f();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  };
  for (const file of docFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, span] of text.matchAll(/`((?:npm|npx|node|mcconfig|mcalloc) [^`]*|[A-Z_]+=[^\s`]+ [^`]*)`/g)) {
      if (/[[\]<>…]|\.\.\.|:$|^mcalloc \w+:/.test(span)) continue; // a synopsis or a message, not a command
      n++;
      const args = mcallocArgs(span);
      if (args === null) {
        if (!ELSEWHERE.some(([re]) => re.test(span))) problems.push(`${file}: not run by any test: ${span}`);
        continue;
      }
      const [command, ...rest] = args.length === 0 || args[0].startsWith('-') ? ['sim', ...args] : args;
      if (command === 'sim') parses(() => parseSimArgs(rest), `${file}: ${span}`);
      else if (command === 'tune') parses(() => parseTuneArgs(rest.includes('--help') || rest.some((a) => /^--(trace|log)\b/.test(a)) ? rest : ['--trace', 'x', ...rest]), `${file}: ${span}`);
      else if (command === 'targets') parses(() => parseTargetsArgs(rest), `${file}: ${span}`);
      else problems.push(`${file}: unknown command in ${span}`);
    }
  }
  t.deepEqual(problems, []);
  t.true(n > 3, `${n} inline commands`);
});

// Only the target table: bundle sizes and XS compute change with every change to src/ (npm run device-doc re-measures them).
test('docs/device.md: the target table is the one targets/*.json make (npm run device-doc)', (t) => {
  const page = readFileSync(join(ROOT, 'docs', 'device.md'), 'utf8');
  t.is(generatedSection(page, 'targets'), targetTable(join(ROOT, 'targets')));
});

test('sim/traces: record.ts writes exactly the committed traces (node --import tsx sim/traces/record.ts)', async (t) => {
  const dir = scratchDir('mcalloc-traces-', (f) => t.teardown(f));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'sim/traces/record.ts', dir], { cwd: ROOT });
  const files = readdirSync(dir).sort();
  t.deepEqual(files, readdirSync(join(ROOT, 'sim', 'traces')).filter((f) => f.endsWith('.trace')).sort());
  for (const f of files) t.is(readFileSync(join(dir, f), 'utf8'), readFileSync(join(ROOT, 'sim', 'traces', f), 'utf8'), f);
});

test('a documented sim runs shorter in the test, with every other argument as written', (t) => {
  const ops = String(TEST_OPS);
  t.deepEqual(lighter(['sim', '--ops', '200000', '--record', 'app.trace']), ['sim', '--ops', ops, '--record', 'app.trace']);
  t.deepEqual(lighter(['sim', '--ops=500', '--quiet']), ['sim', '--ops', '500', '--quiet']);
  t.deepEqual(lighter(['sim', '--target', 'sim']), ['sim', '--target', 'sim', '--ops', ops]);
  t.deepEqual(lighter(['sim', '--duration', '2', '--quiet']), ['sim', '--duration', '0.25', '--quiet']);
  t.deepEqual(lighter(['tune', '--trace', 'app.trace']), ['tune', '--trace', 'app.trace']);
});
