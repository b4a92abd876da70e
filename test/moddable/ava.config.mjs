// test:moddable's own ava configuration (test/moddable/run.ts passes it): the SDK tests are not part of
// the default file set, since they need MODDABLE; mcconfig builds take minutes on a small machine.
export default {
  files: ['test/moddable/sdk.spec.ts', 'test/moddable/device-c.spec.ts', 'test/moddable/examples.spec.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  timeout: '15m',
  workerThreads: false,
};
