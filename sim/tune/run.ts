/** `npm run tune -- --trace FILE ...`: the CLI without the bin dispatcher. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
