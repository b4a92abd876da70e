#!/usr/bin/env node
/**
 * mcalloc [sim|tune] [options]: the simulator (sim/cli.ts, the default) and the tuner (sim/tune/cli.ts).
 * Both are TypeScript run from source, so this registers tsx (a dev dependency: the commands are for
 * working in the repository, after `npm ci`) before loading them.
 */
const COMMANDS = {
  sim: { module: '../sim/cli.ts', what: 'run the allocator on a simulated device with allocating interrupt handlers' },
  tune: { module: '../sim/tune/cli.ts', what: 'search a target configuration for a recorded workload' },
};

const USAGE = `usage: mcalloc [command] [options]

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(6)}${c.what}`).join('\n')}

With no command, runs sim. \`mcalloc COMMAND --help\` for its options.`;

async function run(argv) {
  let [command, ...rest] = argv;
  if (command === undefined || command.startsWith('--') && command !== '--help') {
    rest = argv;
    command = 'sim';
  }
  if (command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const spec = COMMANDS[command];
  if (spec === undefined) {
    process.stderr.write(`mcalloc: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
    return 2;
  }
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('mcalloc: needs the tsx dev dependency to run TypeScript sources: run `npm ci` in the mcalloc repository\n');
    return 2;
  }
  const url = new URL(spec.module, import.meta.url);
  let mod;
  try {
    mod = await import(url.href);
  } catch (e) {
    // Only "this very file is missing" means the command is not there; any other error is a real bug.
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(url.pathname)) {
      process.stderr.write(`mcalloc: the ${command} command is not available in this checkout (${spec.module.slice(3)} is missing)\n`);
      return 2;
    }
    throw e;
  }
  if (typeof mod.main !== 'function') {
    process.stderr.write(`mcalloc: ${spec.module.slice(3)} does not export main(argv)\n`);
    return 2;
  }
  return mod.main(rest);
}

process.exitCode = await run(process.argv.slice(2));
