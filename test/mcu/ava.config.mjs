// test:mcu's own ava configuration (npm run test:mcu, the last step of npm test): not part of the
// default file set, since it needs MODDABLE, the Arm toolchain and QEMU (mcu.ts says which).
export default {
  files: ['test/mcu/mcu.spec.ts', 'test/mcu/device.spec.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '10m',
  workerThreads: false,
};
