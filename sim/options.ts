/**
 * One command-line style for every mcalloc command: `--flag value` and `--flag=value`, no positional
 * arguments, each option at most once. node:util parseArgs does the splitting; its messages are
 * replaced by one-line ones that name the option (and the nearest known one after a typo).
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line or in the user's input files: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
export type Parsed<S extends OptionSpec> = { [K in keyof S]?: S[K]['type'] extends 'string' ? string : boolean };

/** Edit distance with transpositions (optimal string alignment), for "did you mean": typos are an edit or two away. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

export function suggest(name: string, known: readonly string[]): string {
  const near = known
    .map((k) => ({ k, d: distance(name, k) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.min(2, Math.floor(k.length / 3))) || k.startsWith(name))
    .sort((a, b) => a.d - b.d)[0];
  return near ? ` (did you mean ${near.k}?)` : '';
}

export function parseOptions<S extends OptionSpec>(argv: readonly string[], spec: S, helpHint: string): Parsed<S> {
  const names = Object.keys(spec).map((k) => `--${k}`);
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' && spec.help) {
      args.push('--help');
      continue;
    }
    // parseArgs reads "-x" as short options; mcalloc has none, so refuse them here with the long names.
    if (arg === '--') throw new UsageError(`unexpected argument "--" (see ${helpHint})`);
    if (/^-[^-]/.test(arg)) throw new UsageError(`unknown option ${arg}: options are long, like ${names[0]} (see ${helpHint})`);
    // A negative number after an option is its value ("--seed -1"), to be refused by the option's own check.
    if (spec[arg.slice(2)]?.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) {
      args.push(`${arg}=${argv[++i]}`);
      continue;
    }
    args.push(arg);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    const option = /'(--?[^' ]+)/.exec(err.message)?.[1] ?? '';
    const name = option.split('=')[0];
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown option ${name}${suggest(name, names)} (see ${helpHint})`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new UsageError(spec[name.slice(2)]?.type === 'boolean' ? `${name} takes no value` : `${name} needs a value`);
      default:
        throw new UsageError(err.message);
    }
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument ${JSON.stringify(token.value)} (options start with --; see ${helpHint})`);
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} given twice`);
    seen.add(token.name);
    const value = token.value;
    // `--ops --json`: parseArgs would take "--json" as the value of --ops.
    if (spec[token.name].type === 'string' && (token.inlineValue ? value === '' : value === undefined || value.startsWith('--'))) {
      throw new UsageError(`--${token.name} needs a value`);
    }
  }
  return parsed.values as Parsed<S>;
}
