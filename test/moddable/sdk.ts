/**
 * The Moddable SDK as test:moddable uses it: found through MODDABLE (the SDK's own convention), its Linux
 * host tools run with a PATH that also has this package's tsc (mcconfig compiles .ts modules with the
 * `tsc` it finds), every build written to a temporary directory (mcconfig -o), never into the SDK or
 * this repository.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Sdk {
  root: string;
  bin: string;
  version: string;
}

/** The SDK MODDABLE names, or why there is none to use (one line). */
export function findSdk(env: NodeJS.ProcessEnv = process.env): Sdk | string {
  const root = env.MODDABLE;
  if (root === undefined || root === '') return 'MODDABLE is not set (point it at a Moddable SDK whose Linux host tools are built)';
  const bin = join(root, 'build', 'bin', 'lin', 'release');
  for (const tool of ['mcconfig', 'xsc', 'xsl']) {
    if (!existsSync(join(bin, tool))) return `MODDABLE=${root} has no built host tools (${join(bin, tool)} is missing: build them as the SDK's Getting Started guide for Linux says)`;
  }
  if (process.platform !== 'linux') return `the SDK builds here are for lin and x-cli-lin: this host is ${process.platform}`;
  let version = 'unknown';
  try {
    version = readFileSync(join(root, 'tools', 'VERSION'), 'utf8').trim();
  } catch {
    // an SDK without tools/VERSION still builds
  }
  return { root, bin, version };
}

export interface Build {
  /** mcconfig's exit code and everything it printed (stdout and stderr, in order of arrival). */
  code: number;
  output: string;
  /** The -o directory: bin/ and tmp/ of this build. */
  out: string;
  /** xsl's "### warning: ..." lines. */
  warnings: string[];
}

/** Runs `mcconfig -m -p PLATFORM [extra]` in `app`, output in a new temporary directory. */
export function mcconfig(sdk: Sdk, app: string, platform: string, extra: string[] = []): Promise<Build> {
  const out = mkdtempSync(join(tmpdir(), 'mcalloc-moddable-'));
  const env = {
    ...process.env,
    MODDABLE: sdk.root,
    PATH: [sdk.bin, join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
  };
  return new Promise((done) => {
    execFile('nice', ['mcconfig', '-m', '-p', platform, '-o', out, ...extra], { cwd: app, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, output, out, warnings: output.split('\n').filter((l) => /^### warning/.test(l)) });
    });
  });
}

/** The modules directory of a build: where xsc left the .xsb of every module. */
export function modulesDir(build: Build, platform: 'lin' | 'x-cli-lin', app: string): string {
  const tmp = platform === 'lin' ? join(build.out, 'tmp', 'lin', 'mc', 'release', app) : join(build.out, 'tmp', 'lin', 'release', app);
  return join(tmp, 'modules');
}
