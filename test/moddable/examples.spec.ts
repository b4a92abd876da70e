/**
 * test:moddable runs the examples, not only builds them: examples/hello and examples/hello-ts are built
 * for the desktop simulator (mcconfig -m -p lin -t build) and their mc.so is run by the SDK's mcsim
 * headless (xvfb-run, with stdbuf -o0 so that trace() lines arrive as printed). mcsim never exits on
 * its own: the run ends when the last line docs/device.md shows has arrived, or after a minute; either
 * way the whole process group this test started is stopped. The output must be exactly the example's
 * ```text block in docs/device.md.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findSdk, mcconfig, ROOT } from './sdk.js';

const found = findSdk();
if (typeof found === 'string') throw new Error(`test:moddable: ${found} (run it through npm run test:moddable)`);
const sdk = found;
const DOC = readFileSync(join(ROOT, 'docs', 'device.md'), 'utf8');
/** Enough for a stopped simulator to be a failure, not a hang of the suite; nothing is timed. */
const GIVE_UP_MS = 60_000;

/** The lines of the first ```text block under the heading `## Example: \`examples/NAME\``. */
function documented(name: string): string[] {
  const section = DOC.split(/^## /m).find((s) => s.startsWith(`Example: \`examples/${name}\``));
  const block = section === undefined ? undefined : /^```text\n([\s\S]*?)^```/m.exec(section);
  if (block === undefined || block === null) throw new Error(`docs/device.md: no \`\`\`text block under "## Example: \`examples/${name}\`"`);
  return block[1].trimEnd().split('\n');
}

/** Runs mc.so in mcsim under xvfb-run until `last` has been printed (or it exits, or GIVE_UP_MS). */
function simulate(so: string, last: string): Promise<string> {
  return new Promise((done) => {
    const child = spawn('xvfb-run', ['-a', 'stdbuf', '-o0', join(sdk.bin, 'mcsim'), so], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ended = false;
    const stop = (why: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group is already gone
      }
      done(why === '' ? out : `${out}\n${why}`);
    };
    const timer = setTimeout(() => stop(`(no "${last}" after ${GIVE_UP_MS / 1000} s)`), GIVE_UP_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(last)) stop('');
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => stop(`(xvfb-run: ${e.message})`));
    child.on('exit', (code) => stop(`(exited with ${code})`));
  });
}

for (const name of ['hello', 'hello-ts']) {
  test.serial(`examples/${name} runs in the headless simulator and prints what docs/device.md shows`, async (t) => {
    const expected = documented(name);
    const build = await mcconfig(sdk, join(ROOT, 'examples', name), 'lin', ['-t', 'build']);
    try {
      t.is(build.code, 0, build.output.slice(-4000));
      const out = await simulate(join(build.out, 'bin', 'lin', 'mc', 'release', name, 'mc.so'), expected[expected.length - 1]);
      t.deepEqual(out.trimEnd().split('\n'), expected, out);
    } finally {
      rmSync(build.out, { recursive: true, force: true });
    }
  });
}
