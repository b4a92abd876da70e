/**
 * `mcalloc [command] [options]`: the one entry point of the CLI (bin/mcalloc.mjs runs its compiled
 * form, dist/cli/mcalloc.js, so an installed mcalloc needs no TypeScript tooling at run time).
 */
import { main as sim } from './cli.js';
import { main as targets } from './targets-cli.js';
import { suggest } from './options.js';
import { VERSION } from './package.js';
import { main as tune } from './tune/cli.js';

const COMMANDS: Record<string, { what: string; run: (argv: readonly string[]) => Promise<number> }> = {
  sim: { what: 'run the allocator on a simulated device whose interrupt handlers allocate and free', run: (argv) => sim(argv) },
  tune: { what: 'find the smallest pool and the strategy for a recorded allocation trace', run: (argv) => tune(argv) },
  targets: { what: 'list the targets sim and tune can name: yours in ./targets, then the shipped ones', run: (argv) => targets(argv) },
};

export const USAGE = `usage: mcalloc <command> [options]

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)}${c.what}`).join('\n')}

  mcalloc <command> --help   the command's options
  mcalloc --version          the version of mcalloc
  mcalloc --help             this text

With no command, runs sim.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    if (rest.length > 0) return usageError(`--version takes no other argument (got ${JSON.stringify(rest[0])})`);
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest.length > 0) {
      if (rest.length === 1 && COMMANDS[rest[0]]) return COMMANDS[rest[0]].run(['--help']);
      return usageError(`help takes one command: ${Object.keys(COMMANDS).join(', ')} (got ${JSON.stringify(rest.join(' '))})`);
    }
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (first === undefined || first.startsWith('-')) return COMMANDS.sim.run(argv);
  const command = COMMANDS[first];
  if (command === undefined) return usageError(`unknown command ${JSON.stringify(first)}${suggest(first, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(', ')} (see mcalloc --help)`);
  return command.run(rest);
}

function usageError(message: string): number {
  process.stderr.write(`mcalloc: ${message}\n`);
  return 2;
}
