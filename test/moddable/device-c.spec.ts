/**
 * test:moddable, the device C of the interrupt lock (targets/moddable/mcu/mcalloc_irq.c and the host
 * variant), which no ESP toolchain compiles here:
 *
 *  - the mcu file is compiled by the host's cc with the SDK's include paths (xs/includes, xs/sources,
 *    xs/platforms/esp, xs/platforms/mc, as make.esp*.mk give them) and `-Wall -Wextra -Werror
 *    -fsyntax-only`, once per branch of xsHost.h's critical section (Xtensa ESP32 and S3, RISC-V C3 and
 *    C6, ESP8266), against the stand-in chip headers of stubs/: an identifier the chip's headers do not
 *    have is an error. A control build on the wrong chip's stubs must fail, or the check proves nothing;
 *  - the C harness (harness/irq-harness.c) runs both files through stand-in XS macros: nesting, a
 *    restore that does not match (unmasked before it throws), and one VM's mask kept from another.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findSdk, ROOT } from './sdk.js';

const found = findSdk();
if (typeof found === 'string') throw new Error(`test:moddable: ${found} (run it through npm run test:moddable)`);
const sdk = found;
const run = promisify(execFile);
const STUBS = join(ROOT, 'test', 'moddable', 'stubs');
const HARNESS = join(ROOT, 'test', 'moddable', 'harness');
const MCU = join(ROOT, 'targets', 'moddable', 'mcu', 'mcalloc_irq.c');
const HOST = join(ROOT, 'targets', 'moddable', 'host', 'mcalloc_irq.c');

/** The chips, as mcconfig defines them (ESP32=N is xsHost.h's chip number; the ESP8266 has none). */
const CHIPS = [
  { name: 'esp32 (Xtensa)', defines: ['-DESP32=1', '-std=gnu17'], stubs: ['xtensa', 'common'] },
  { name: 'esp32s3 (Xtensa)', defines: ['-DESP32=3', '-std=gnu17'], stubs: ['xtensa', 'common'] },
  { name: 'esp32c3 (RISC-V)', defines: ['-DESP32=4', '-std=gnu17'], stubs: ['riscv', 'common'] },
  { name: 'esp32c6 (RISC-V)', defines: ['-DESP32=5', '-std=gnu17'], stubs: ['riscv', 'common'] },
  { name: 'esp8266', defines: ['-DkESP8266Version=24', '-std=gnu99'], stubs: ['esp8266'] },
];

/** cc's exit code and what it printed. */
async function cc(args: string[]): Promise<{ code: number; output: string }> {
  return run('cc', args).then(
    (r) => ({ code: 0, output: `${r.stdout}${r.stderr}` }),
    (e: { code?: number; stdout?: string; stderr?: string; message: string }) => ({ code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? e.message}` }),
  );
}

function syntaxOnly(defines: string[], stubs: string[]): Promise<{ code: number; output: string }> {
  const sdkDirs = ['includes', 'sources', join('platforms', 'esp'), join('platforms', 'mc')].map((d) => `-I${join(sdk.root, 'xs', d)}`);
  return cc(['-fsyntax-only', '-Wall', '-Wextra', '-Werror', ...defines, ...stubs.map((s) => `-I${join(STUBS, s)}`), ...sdkDirs, MCU]);
}

for (const chip of CHIPS) {
  test(`mcu/mcalloc_irq.c compiles for ${chip.name} with -Wall -Wextra -Werror, SDK include paths, stub chip headers`, async (t) => {
    const r = await syntaxOnly(chip.defines, chip.stubs);
    t.is(r.code, 0, r.output);
    t.is(r.output, '');
  });
}

test('control: the esp32 build fails on the RISC-V stubs, the C3 build on the Xtensa ones (the stubs tell the chips apart)', async (t) => {
  const xtensaOnRiscv = await syntaxOnly(['-DESP32=1', '-std=gnu17'], ['riscv', 'common']);
  t.not(xtensaOnRiscv.code, 0);
  t.regex(xtensaOnRiscv.output, /vPortEnterCriticalSafe/);
  const riscvOnXtensa = await syntaxOnly(['-DESP32=4', '-std=gnu17'], ['xtensa', 'common']);
  t.not(riscvOnXtensa.code, 0);
  t.regex(riscvOnXtensa.output, /portENTER_CRITICAL_SAFE/);
});

for (const [name, file, extra] of [['mcu', MCU, []], ['host', HOST, ['-DIRQ_HOST']]] as const) {
  test(`${name}/mcalloc_irq.c in the C harness: every check passes (nesting, bad restores unmask before throwing, per VM)`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mcalloc-irq-harness-'));
    try {
      const binary = join(dir, 'harness');
      const build = await cc(['-Wall', '-Wextra', '-Werror', '-std=gnu99', ...extra, `-I${HARNESS}`, `-DIRQ_FILE="${file}"`, join(HARNESS, 'irq-harness.c'), '-o', binary]);
      t.is(build.code, 0, build.output);
      // A lock never released would make the harness spin: the timeout turns that into a failure.
      const out = await run(binary, [], { timeout: 20_000 }).then((r) => r.stdout, (e: { stdout?: string; message: string }) => `${e.stdout ?? ''}\nfailed: ${e.message}`);
      const lines = out.trim().split('\n');
      t.deepEqual(lines.filter((l) => !l.startsWith('ok ')), [`1..${lines.length - 1}`], out);
      t.true(lines.length - 1 >= 17, out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
