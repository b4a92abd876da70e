/** `npm run sim` (node --import tsx sim/run.ts [options]): see sim/cli.ts. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
