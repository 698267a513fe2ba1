// Jest runs native ESM (the platform is ESM end to end); @swc/jest strips types only.
// Four projects that `npm test` runs together and `npm run test:<project>` runs alone:
//   unit        pure domain, codecs, adapters against the shared DynamoDB Local (seconds)
//   integration the platform on its emulators, over HTTP, plus contract, CLI, security and CDK tests (minutes)
//   browser     the console in Chromium, axe-checked
//   perf        memory and scale suites: large files streamed, 10,000-row onboarding (slow by design)
const PERF = [
  '<rootDir>/test/unit/beneficiary-lists/file-formats/memory.test.ts',
  '<rootDir>/test/unit/bank-statements/memory.test.ts',
  '<rootDir>/test/unit/iso20022/security-perf.test.ts',
  '<rootDir>/test/integration/onboarding-10k.test.ts',
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2024', experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/support/env.ts'],
};

const project = (displayName, testMatch, testPathIgnorePatterns = []) => ({
  ...shared,
  displayName,
  testMatch,
  testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
});

// Regex for the ignore list: the perf files, relative to the root.
const perfPatterns = PERF.map((file) => file.replace('<rootDir>', '').replace(/[.]/g, '\\.'));

export default {
  projects: [
    project('unit', ['<rootDir>/test/unit/**/*.test.ts'], perfPatterns),
    project(
      'integration',
      [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/contract/**/*.test.ts',
        '<rootDir>/test/cli/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
        '<rootDir>/test/infra/**/*.test.ts',
      ],
      perfPatterns,
    ),
    project('browser', ['<rootDir>/test/browser/**/*.test.ts']),
    project('perf', PERF),
  ],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/no-skips-reporter.mjs'],
};
