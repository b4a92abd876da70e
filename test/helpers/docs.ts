/**
 * The commands and examples of README.md and docs/*.md, so that none of them drifts:
 *
 *  - ```sh blocks: one command a line (a trailing `# comment` is not part of it). Commands of mcalloc
 *    itself (`npx mcalloc ...`, `npm run sim -- ...`, `npm run tune -- ...`) are run; every other one
 *    must be named in ELSEWHERE with the test or script that runs it, or the check fails. A `sim` runs
 *    shorter there (lighter()): the block shows no output.
 *  - ```text blocks whose lines start with `$ `: a command and its output, which a fresh run must
 *    reproduce (wall-clock figures masked). `npm run docs -- --write` rewrites them from a fresh run.
 *  - ```js blocks: run as ES modules that import 'mcalloc' (this package, built); `js fragment` and
 *    `js device` blocks are not run (a fragment needs context; device code needs the XS host, and
 *    test/moddable.test.ts runs examples/hello).
 *  - inline `npx mcalloc ...` spans: their options are parsed by the command's own parser.
 *
 * mcalloc commands run in a scratch directory holding copies of the files they name (and of targets/),
 * so a documented `--write` or `--record` never touches the repository; a file a command writes that
 * the repository also has (a --report image) must come out identical, or is copied back with --write.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

export interface Block { file: string; line: number; lang: string; info: string; body: string }

export function blocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i].startsWith('```')) body.push(lines[i]);
    out.push({ file, line: start + 1, lang: open[1], info: open[2], body: body.join('\n') });
  }
  return out;
}

/** Commands run elsewhere, and where: a command of the docs that is neither run here nor listed here fails the check. */
export const ELSEWHERE: [RegExp, string][] = [
  [/^npm ci( && npm run sim)?$/, '.ci/run (a clean clone: npm ci, then npm test); npm run sim is run here'],
  [/^npm test$/, '.ci/run'],
  [/^npm run build$/, 'npm test (its second step)'],
  [/^npm pack$/, 'test/pack.test.ts'],
  [/^npm install --omit=dev \S+\.tgz$/, 'test/pack.test.ts'],
  [/^npm run profile( -- .*)?$/, 'the profile itself, run by hand (it rewrites the table of docs/profile.md with --write)'],
  [/^npm run bench( -- .*)?$/, 'the benchmark itself: minutes of CPU, run by hand (its figures are in docs/benchmarks.md)'],
  [/^npm run device-doc$/, 'the script itself, which rewrites the tables of docs/device.md'],
  [/^mcconfig /, 'npm run test:moddable, with MODDABLE naming a Moddable SDK'],
  [/^npm run test:mcu$/, 'npm test (its last step: the Cortex-M3 tests with MODDABLE and the Arm tools, one line saying what is missing otherwise; test/moddable.test.ts runs the skip)'],
  [/^npm run test:moddable$/, 'npm test (its last step: the SDK tests with MODDABLE set, one line saying why they skipped otherwise; test/moddable.test.ts runs the skip)'],
  [/^node --import tsx sim\/traces\/record\.ts$/, 'test/docs.test.ts (records into a scratch directory and compares with sim/traces)'],
  [/^node --import tsx sim\/workers\/handover\.ts$/, 'test/handover.test.ts'],
  [/^npm run docs -- --write$/, 'test/docs.test.ts (it checks what this writes)'],
  [/^node quickstart\.mjs$/, 'test/docs.test.ts (it runs the README\'s examples)'],
];

/** `npx mcalloc sim ...`, `npm run sim -- ...` → ['sim', ...]; null for anything else. */
export function mcallocArgs(command: string): string[] | null {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'npx' && words[1] === 'mcalloc') return words.slice(2);
  if (words[0] === 'mcalloc') return words.slice(1);
  if (words[0] === 'npm' && words[1] === 'run' && (words[2] === 'sim' || words[2] === 'tune')) {
    if (words.length > 3 && words[3] !== '--') return null;
    return [words[2], ...words.slice(4)];
  }
  return null;
}

/**
 * A documented sim's operations in the test, at most: the trace it records (these operations and the
 * drain's frees, about 840) is tuned in the calling thread (sim/tune/tune-workers.ts
 * IN_THREAD_OPERATIONS), in a fraction of a second; the threads are tested on longer traces
 * (tune-search, the pack test, the documented output of docs/tuning.md).
 */
export const TEST_OPS = 800;

/**
 * The arguments of a documented ```sh command as the test runs them: a `sim` runs at most TEST_OPS
 * operations (its default is 1,000,000) and `--duration` a quarter of a second, so a recorded trace is
 * that short too. Every option still reaches its parser and every command its code; only the length of
 * the run changes, which a ```sh block does not show. ```text blocks, whose output is compared, run as
 * written.
 */
export function lighter(args: readonly string[]): string[] {
  if (args[0] !== 'sim') return [...args];
  const out: string[] = [];
  let sized = false;
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2) as [string, string | undefined];
    if (name === '--ops' || name === '--duration') {
      sized = true;
      const value = inline ?? args[++i];
      const light = name === '--ops' ? String(Math.min(Number(value), TEST_OPS)) : String(Math.min(Number(value), 0.25));
      out.push(name, Number.isFinite(Number(value)) ? light : value);
    } else {
      out.push(args[i]);
    }
  }
  return sized ? out : [...out, '--ops', String(TEST_OPS)];
}

/** The commands of a ```sh block: comments and blank lines dropped. */
export function shCommands(body: string): { command: string; comment: string }[] {
  return body.split('\n').map((l) => {
    const hash = l.search(/\s#\s/);
    return { command: (hash < 0 ? l : l.slice(0, hash)).trim(), comment: hash < 0 ? '' : l.slice(hash).trim() };
  }).filter((c) => c.command !== '' && !c.command.startsWith('#'));
}

export interface Session { command: string; output: string }

/** The `$ command` lines of a ```text block, each with the lines that follow it. */
export function sessions(body: string): Session[] {
  const out: Session[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('$ ')) out.push({ command: line.slice(2), output: '' });
    else if (out.length > 0) out[out.length - 1].output += `${line}\n`;
  }
  return out;
}

/** Wall-clock figures differ from run to run and host to host: compare everything else. */
export function masked(text: string): string {
  return text.replace(/\d[\d,]*(\.\d+)? ?(µs|ms|s)\b/g, '<time>').replace(/[ \t]+$/gm, '').trimEnd();
}

export interface Run { code: number; stdout: string; stderr: string; written: Map<string, string> }

/**
 * A scratch directory for the commands of one block, run one after the other (a trace one command
 * records, the next one tunes), with mcalloc from dist/ as an installed user runs it.
 */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'mcalloc-docs-'));

  constructor() {
    cpSync(join(ROOT, 'targets'), join(this.dir, 'targets'), { recursive: true, filter: (f) => !f.includes('moddable') });
  }

  async run(args: string[]): Promise<Run> {
    const dir = this.dir;
    const named = args.flatMap((a) => [a, a.replace(/^--[\w-]+=/, '')]).filter((a) => /^[\w.][\w./-]*$/.test(a) && a.includes('.'));
    for (const f of named) {
      if (existsSync(join(ROOT, f)) && !existsSync(join(dir, f))) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        cpSync(join(ROOT, f), join(dir, f));
      }
    }
    const before = new Map(named.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    let code = 0, stdout = '', stderr = '';
    try {
      ({ stdout, stderr } = await exec(process.execPath, [join(ROOT, 'bin', 'mcalloc.mjs'), ...args], { cwd: dir, maxBuffer: 1 << 26 }));
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      if (typeof err.code !== 'number') throw e;
      ({ code, stdout = '', stderr = '' } = err as { code: number; stdout: string; stderr: string });
    }
    // Files the run wrote that the repository has too (a report image): the caller compares or copies them.
    const written = new Map<string, string>();
    for (const f of named) {
      const p = join(dir, f);
      if (existsSync(p) && existsSync(join(ROOT, f)) && readFileSync(p, 'utf8') !== before.get(f)) written.set(f, readFileSync(p, 'utf8'));
    }
    return { code, stdout, stderr, written };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A scratch project whose node_modules/mcalloc is this package, to run the documented JavaScript. */
export async function runModule(code: string): Promise<{ stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcalloc-docs-js-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'mcalloc'), 'dir');
    writeFileSync(join(dir, 'main.mjs'), code);
    return await exec(process.execPath, ['main.mjs'], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run docs -- --write`: rewrites every `$ command` output block (and the files they write) from a fresh run. */
async function write(): Promise<void> {
  for (const file of docFiles()) {
    let text = readFileSync(join(ROOT, file), 'utf8');
    for (const b of blocks(file).filter((x) => x.lang === 'text' && x.body.startsWith('$ '))) {
      let body = '';
      const scratch = new Scratch();
      for (const s of sessions(b.body)) {
        const args = mcallocArgs(s.command);
        if (args === null) throw new Error(`${file}:${b.line}: not an mcalloc command: ${s.command}`);
        const r = await scratch.run(args);
        for (const [f, content] of r.written) writeFileSync(join(ROOT, f), content);
        body += `$ ${s.command}\n${r.stdout}`;
      }
      scratch.close();
      text = text.replace(`\`\`\`text\n${b.body}\n\`\`\``, `\`\`\`text\n${body.trimEnd()}\n\`\`\``);
    }
    writeFileSync(join(ROOT, file), text);
    console.log(`${file}: checked and written`);
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  if (process.argv[2] !== '--write') {
    console.error('usage: npm run docs -- --write   (rewrites the outputs of the documented commands; npm test checks them)');
    process.exitCode = 2;
  } else await write();
}
