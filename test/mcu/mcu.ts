/**
 * A Moddable app on a microcontroller that QEMU emulates: the Cortex-M3 of an MPS2 AN385 board, bare
 * metal. The SDK's own tools build it, as for any Zephyr board (mcconfig -p zephyr:<target folder>
 * writes the app's CMakeLists: xsc, xsl, mcrez, mcdevicetree and the XS sources), with the board
 * support of test/mcu/board standing in for Zephyr (see board/CMakeLists.txt); nothing is written
 * into the SDK or this repository. QEMU runs it with -icount shift=0: its virtual clock then counts
 * instructions, 1 ns each, and the app reads it with mcu-host's instructions().
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The board support: CMake project, C, linker script, device tree, and the app manifest to include. */
export const BOARD = join(ROOT, 'test', 'mcu', 'board');
/** The SDK target folder of the board (mcconfig's -p zephyr:<folder>): its manifest names ZEPHYR_BOARD. */
const TARGET = join(BOARD, 'mps2_an385');

export interface McuTools {
  /** MODDABLE: the SDK, with its Linux host tools built. */
  sdk: string;
  /** The SDK's host tools (mcconfig, xsc, xsl, ...). */
  bin: string;
  version: string;
  qemu: string;
  gcc: string;
  cmake: string;
  ninja: string;
  dtc: string;
  /** arm-none-eabi-size, for imageSize(). */
  size: string;
  /** The PATH these were found on: the build's steps find the compiler and dtc on it too. */
  path: string;
}

function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The tools, or one line saying what is missing. */
export function findMcuTools(env: NodeJS.ProcessEnv = process.env): McuTools | string {
  if (process.platform !== 'linux') return `the MCU build uses the SDK's Linux host tools: this host is ${process.platform}`;
  const sdk = env.MODDABLE;
  if (sdk === undefined || sdk === '') return 'MODDABLE is not set (point it at a Moddable SDK whose Linux host tools are built)';
  const bin = join(sdk, 'build', 'bin', 'lin', 'release');
  for (const tool of ['mcconfig', 'xsc', 'xsl', 'xsid', 'mcrez', 'mcdevicetree']) {
    if (!existsSync(join(bin, tool))) return `MODDABLE=${sdk} has no built lin host tools (${join(bin, tool)} is missing)`;
  }
  if (!existsSync(join(sdk, 'build', 'devices', 'zephyr', 'config', 'CMakeLists.txt.prefix'))) return `MODDABLE=${sdk} has no Zephyr platform (build/devices/zephyr)`;
  const path = env.PATH ?? '';
  const found: Record<string, string> = {};
  for (const [key, name, pkg] of [
    ['gcc', 'arm-none-eabi-gcc', 'gcc-arm-none-eabi'],
    ['size', 'arm-none-eabi-size', 'binutils-arm-none-eabi'],
    ['qemu', 'qemu-system-arm', 'qemu-system-arm'],
    ['dtc', 'dtc', 'device-tree-compiler'],
    ['cmake', 'cmake', 'cmake'],
    ['ninja', 'ninja', 'ninja-build'],
  ]) {
    const at = onPath(name, path);
    if (at === undefined) return `${name} is not on PATH (Debian package ${pkg})`;
    found[key] = at;
  }
  // the compiler answers with the bare name when its multilib has no such file
  const libc = execFileSync(found.gcc, ['-mcpu=cortex-m3', '-mthumb', '-print-file-name=libc_nano.a'], { encoding: 'utf8' }).trim();
  if (!libc.startsWith('/')) return 'arm-none-eabi-gcc finds no newlib-nano for the Cortex-M3 (Debian package libnewlib-arm-none-eabi)';
  let version = 'unknown';
  try {
    version = readFileSync(join(sdk, 'tools', 'VERSION'), 'utf8').trim();
  } catch {
    // an SDK without tools/VERSION still builds
  }
  return { sdk, bin, version, qemu: found.qemu, gcc: found.gcc, cmake: found.cmake, ninja: found.ninja, dtc: found.dtc, size: found.size, path };
}

/** A failed step of buildMcuApp, with everything the steps printed. */
export class McuBuildError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output.split('\n').slice(-40).join('\n')}`);
  }
}

/** Runs one step of the build (niced), its output and time added to log. */
function step(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const start = Date.now();
    log.push(`$ ${command} ${args.join(' ')}\n`);
    execFile('nice', [command, ...args], { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      log.push(stdout, stderr, `# ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
      if (error === null) done();
      else fail(new McuBuildError(`${command} failed (${error.code ?? error.signal}); the build is left in ${cwd}`, log.join('')));
    });
  });
}

/**
 * Builds the app in appDir (manifest.json and its modules, as for any Moddable app; main is not
 * preloaded, since preloading runs a module at link time) for the board, in a new temporary directory
 * (dir: the caller removes it; kept after a failure, which McuBuildError reports).
 * The app can import "mcu-host" and "timer": the board's manifest (board/manifest.json) is included
 * with the app's by a manifest of the build's own.
 */
export async function buildMcuApp(tools: McuTools, appDir: string): Promise<{ elf: string; map: string; output: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcalloc-mcu-'));
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'manifest.json'), JSON.stringify({ include: [join(resolve(appDir), 'manifest.json'), join(BOARD, 'manifest.json')] }, null, '\t'));
  // mcconfig wants ZEPHYR_BASE, mcdevicetree lists the bindings there: none apply to this board
  const zephyr = join(dir, 'zephyr');
  mkdirSync(join(zephyr, 'dts', 'bindings'), { recursive: true });
  const env = {
    ...process.env,
    MODDABLE: tools.sdk,
    ZEPHYR_BASE: zephyr,
    UPLOAD_PORT: 'none',
    PATH: [tools.bin, join(ROOT, 'node_modules', '.bin'), tools.path].join(delimiter),
  };
  const out = join(dir, 'out');
  const build = join(dir, 'build');
  mkdirSync(out);
  const log: string[] = [];
  // -l: no configure step that starts xsbug (the generated CMakeLists would run it otherwise)
  await step('mcconfig', ['-l', '-p', `zephyr:${TARGET}`, '-o', out, join(app, 'manifest.json')], dir, env, log);
  const generated = join(out, 'tmp', 'zephyr', 'mps2_an385', 'release', 'app');
  await step(tools.cmake, ['-G', 'Ninja', `-DCMAKE_TOOLCHAIN_FILE=${join(BOARD, 'toolchain.cmake')}`, `-DMODDABLE_BUILD_DIR=${generated}`, '-S', BOARD, '-B', build], dir, env, log);
  await step(tools.ninja, ['-C', build, '-j2'], dir, env, log);
  return { elf: join(build, 'app.elf'), map: join(build, 'app.map'), output: log.join(''), dir };
}

/** The image's sections as arm-none-eabi-size counts them (Berkeley format). */
export function imageSize(tools: McuTools, elf: string): { text: number; data: number; bss: number } {
  const lines = execFileSync(tools.size, [elf], { encoding: 'utf8' }).trim().split('\n');
  const [text, data, bss] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

/**
 * The QEMU command line of runMcu. sleep=off lets an idle wait (a Timer) skip ahead in virtual time
 * instead of waiting as long in real time; args reach the app's mcu-host args() through semihosting.
 */
export function qemuArgs(elf: string, args: string[] = []): string[] {
  // QEMU's option syntax doubles a comma inside a value
  const semihosting = ['enable=on', 'target=native', ...['app', ...args].map((a) => `arg=${a.replace(/,/g, ',,')}`)].join(',');
  return ['-M', 'mps2-an385', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-semihosting-config', semihosting, '-icount', 'shift=0,sleep=off', '-kernel', elf];
}

/**
 * Runs the ELF under QEMU: what the app printed (trace(), the console UART) and its exit code
 * (semihosting: 0 when the app has nothing left to do, 1 after an uncaught exception or rejection,
 * mcu-host's exit(code), 3 on a processor fault). Rejects after timeoutMs (default 60 s). args, for
 * mcu-host's args(), have no spaces of their own.
 */
export function runMcu(tools: McuTools, elf: string, opts: { timeoutMs?: number; args?: string[] } = {}): Promise<{ code: number; output: string; stderr: string }> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((done, fail) => {
    const qemu = spawn(tools.qemu, qemuArgs(elf, opts.args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stderr = '';
    qemu.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    qemu.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      qemu.kill('SIGKILL');
      fail(new Error(`qemu-system-arm: no exit after ${timeoutMs} ms; the app printed:\n${output}${stderr}`));
    }, timeoutMs);
    qemu.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    qemu.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]), output, stderr });
    });
  });
}
