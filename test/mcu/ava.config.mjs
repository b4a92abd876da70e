// The MCU tests' own ava configuration (npx ava --config test/mcu/ava.config.mjs): not part of the
// default file set, since they need MODDABLE, the Arm toolchain and QEMU (mcu.ts says which).
export default {
  files: ['test/mcu/mcu.spec.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '5m',
  workerThreads: false,
};
