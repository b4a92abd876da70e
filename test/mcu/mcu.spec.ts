/**
 * The board of mcu.ts, smoke-tested: an app with a preloaded module builds with the SDK's tools for
 * the Cortex-M3, runs under QEMU, prints what its JS computed and the engine's sizes, and exits with
 * 0; an uncaught exception, an unhandled rejection and mcu-host's exit(code) end the run with their
 * own codes. One build; runMcu's args choose what the app does.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMcuApp, findMcuTools, imageSize, runMcu, type McuTools } from './mcu.js';

const found = findMcuTools();
if (typeof found === 'string') throw new Error(`test/mcu: ${found}`);
const tools: McuTools = found;

const MANIFEST = {
  creation: { static: 65536, chunk: { initial: 8192 }, heap: { initial: 512 }, stack: 256 },
  modules: { '*': ['./main', './calc'] },
  preload: ['calc'],
};

// preloaded: its body runs at link time (xsl), and the table it makes is in the image
const CALC = `
export const squares = Object.freeze(Array.from({ length: 16 }, (_, i) => i * i));
export function sum(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
`;

const MAIN = `
import { squares, sum } from "calc";
import Timer from "timer";
import { args, chunks, exit, gc, instructions, pointerSize, slotSize, slots } from "mcu-host";

const mode = args();
if (mode === "throw") throw new Error("boom");
if (mode === "reject") Promise.reject(new Error("late"));
if (mode === "exit") exit(5);
const start = instructions();
trace(\`sum \${sum(20)} squares \${squares.reduce((a, b) => a + b)}\\n\`);
const sumTook = instructions() - start;
gc();
trace(\`slot \${slotSize()} pointer \${pointerSize()} slots \${slots()} chunks \${chunks()} sum-instructions \${sumTook}\\n\`);
Timer.set(() => trace(\`timer \${instructions() - start}\\n\`), 20);
`;

const app = mkdtempSync(join(tmpdir(), 'mcalloc-mcu-app-'));
writeFileSync(join(app, 'manifest.json'), JSON.stringify(MANIFEST, null, '\t'));
writeFileSync(join(app, 'calc.js'), CALC);
writeFileSync(join(app, 'main.js'), MAIN);
const built = buildMcuApp(tools, app);
built.catch(() => {}); // reported by each test that awaits it

test.after.always(async () => {
  rmSync(app, { recursive: true, force: true });
  const b = await built.catch(() => undefined);
  if (b !== undefined) rmSync(b.dir, { recursive: true, force: true });
});

test.serial('the app builds for the Cortex-M3: an ELF, its linker map with the static C data in .bss', async (t) => {
  const { elf, map } = await built;
  t.true(existsSync(elf));
  const size = imageSize(tools, elf);
  t.log(`Moddable SDK ${tools.version}; image text ${size.text} B, data ${size.data} B, bss ${size.bss} B`);
  t.true(size.text > 100_000 && size.text < 4 << 20, `text ${size.text}`);
  // board.c's tick counter, a static uint32_t: the map names it and its size in .bss
  t.regex(readFileSync(map, 'utf8'), /^ \.bss\.ticks\s+0x2[0-9a-f]{7}\s+0x4 /m);
});

test.serial('it runs under QEMU: JS results, sizeof slot 16 and pointer 4, the XS heap, a Timer, exit code 0', async (t) => {
  const { elf } = await built;
  const run = await runMcu(tools, elf, { timeoutMs: 30_000 });
  t.is(run.code, 0, run.output + run.stderr);
  t.log(run.output.trim());
  const lines = run.output.trim().split('\n');
  t.is(lines[0], 'sum 190 squares 1240');
  const m = /^slot (\d+) pointer (\d+) slots (\d+) chunks (\d+) sum-instructions (\d+)$/.exec(lines[1] ?? '');
  t.truthy(m, run.output);
  if (m === null) return;
  t.is(Number(m[1]), 16, 'sizeof(txSlot)');
  t.is(Number(m[2]), 4, 'sizeof(void *)');
  t.true(Number(m[3]) > 0 && Number(m[4]) > 0, 'slots and chunk bytes in use after a collection');
  t.true(Number(m[5]) > 1000, 'instructions() counts the work between two calls');
  // virtual time is instructions: 20 ms of it pass, asleep, in no real time (timers keep whole 1 ms ticks)
  const timer = /^timer (\d+)$/.exec(lines[2] ?? '');
  t.truthy(timer, run.output);
  t.true(Number(timer?.[1]) >= 19e6 && Number(timer?.[1]) < 21e6, `timer ${timer?.[1]}`);
  t.is(lines.length, 3, run.output);
});

test.serial('the run is deterministic: the same instruction counts twice', async (t) => {
  const { elf } = await built;
  const [a, b] = await Promise.all([runMcu(tools, elf), runMcu(tools, elf)]);
  t.is(a.output, b.output);
});

test.serial('an uncaught exception, an unhandled rejection and exit(5) end the run with 1, 1 and 5', async (t) => {
  const { elf } = await built;
  const thrown = await runMcu(tools, elf, { args: ['throw'] });
  t.is(thrown.code, 1);
  t.regex(thrown.output, /^fxAbort unhandled exception: boom$/m);
  const rejected = await runMcu(tools, elf, { args: ['reject'] });
  t.is(rejected.code, 1);
  t.regex(rejected.output, /^fxAbort unhandled rejection/m);
  const exited = await runMcu(tools, elf, { args: ['exit'] });
  t.is(exited.code, 5);
  t.is(exited.output, '');
});
