/**
 * `mcalloc targets`: the targets every command can name, and which file each name means (the user's
 * ./targets or --targets DIR first, then the ones shipped with mcalloc). Exit 0, or 2 for bad options.
 */
import { readFileSync } from 'node:fs';
import { parseOptions, UsageError } from './options.js';
import { VERSION } from './package.js';
import { listTargets, shown, targetDirs } from './target.js';

export const USAGE = `usage: mcalloc targets [options]

Lists the targets that mcalloc sim --target and mcalloc tune --target can name: yours in
./targets (or --targets DIR) first, then the ones shipped with mcalloc. A target of yours with
the name of a shipped one is used in its place (tune --write makes such a copy).

  --targets DIR    your targets directory instead of ./targets (it must exist)
  --json           the list as one JSON document
  --version        the version of mcalloc
  --help           this text`;

const SPEC = { targets: { type: 'string' }, json: { type: 'boolean' }, version: { type: 'boolean' }, help: { type: 'boolean' } } as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** The fields a listing shows, or why the file cannot be read (the listing goes on: it is how one finds the bad file). */
function summary(file: string): { strategy: string; poolSize: string; lock: string; problem: string | null } {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { strategy: String(data.strategy ?? '?'), poolSize: String(data.poolSize ?? '?'), lock: String(data.lock ?? '?'), problem: null };
  } catch (e) {
    return { strategy: '?', poolSize: '?', lock: '?', problem: `not valid JSON (${(e as Error).message})` };
  }
}

export function parseTargetsArgs(argv: readonly string[]) {
  return parseOptions(argv, SPEC, 'mcalloc targets --help');
}

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    const o = parseTargetsArgs(argv);
    if (o.help || o.version) {
      io.out(`${o.help ? USAGE : VERSION}\n`);
      return 0;
    }
    const dirs = targetDirs(o.targets);
    const rows = listTargets(o.targets).map((t) => ({ ...t, ...summary(t.file) }));
    if (o.json) {
      const doc = {
        directories: dirs.map((d) => ({ dir: d.dir, shipped: d.shipped })),
        targets: rows.map((r) => ({ name: r.name, file: r.file, shipped: r.shipped, shadows: r.shadows, strategy: r.strategy, poolSize: Number(r.poolSize), lock: r.lock, problem: r.problem })),
      };
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    }
    const table = [['target', 'strategy', 'poolSize', 'lock', 'source'], ...rows.map((r) => [
      r.name, r.strategy, r.poolSize, r.lock,
      `${r.shipped ? 'shipped' : 'yours'}: ${shown(r.file)}${r.shadows ? ' (used instead of the shipped one)' : ''}${r.problem ? `; ${r.problem}` : ''}`,
    ])];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    io.out(`${table.map((r) => r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n')}\n`);
    io.out(`searched: ${dirs.map((d) => `${shown(d.dir)}${d.shipped ? ' (shipped with mcalloc)' : ''}`).join(', then ')}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`mcalloc targets: ${e.message}\n`);
    return 2;
  }
}
