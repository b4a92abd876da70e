/**
 * `npm run test:mcu` (also the last step of `npm test`): mcalloc built for a Cortex-M3 with the Moddable
 * SDK and run under QEMU. With the tools mcu.ts names (MODDABLE with built lin host tools, the Arm
 * toolchain with newlib, qemu-system-arm, dtc, cmake, ninja) it builds the bundles and runs the specs of
 * test/mcu; otherwise it prints one line saying what is missing, and succeeds.
 */
import { findMcuTools } from './mcu.js';
import { buildAndRunSpecs } from '../helpers/run-specs.js';

const tools = findMcuTools();
if (typeof tools === 'string') {
  console.log(`test:mcu skipped: ${tools}`);
  process.exit(0);
}
console.log(`test:mcu: Moddable SDK ${tools.version} at ${tools.sdk}, ${tools.qemu}, ${tools.gcc}`);
buildAndRunSpecs('test/mcu/ava.config.mjs');
