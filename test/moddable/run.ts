/**
 * `npm run test:moddable` (also the last step of `npm test`): the tests that need the Moddable SDK. With
 * MODDABLE naming an SDK whose Linux host tools are built, it builds the bundles and runs sdk.spec.ts;
 * otherwise it prints one line saying it skipped and why, and succeeds.
 */
import { findSdk } from './sdk.js';
import { buildAndRunSpecs } from '../helpers/run-specs.js';

const sdk = findSdk();
if (typeof sdk === 'string') {
  console.log(`test:moddable skipped: ${sdk}`);
  process.exit(0);
}
console.log(`test:moddable: Moddable SDK ${sdk.version} at ${sdk.root}`);
buildAndRunSpecs('test/moddable/ava.config.mjs');
