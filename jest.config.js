// Three jest projects, so a run starts only the services its tests need:
//   unit            test/unit: pure code, no services
//   workflows-fast  test/workflows/fast: the real workflows on a Temporal dev server with
//                   strict fake activities (needs only the temporal CLI and the bundle)
//   integration     everything else: PostgreSQL, moto, Temporal (test/support/global-setup.ts)
// A project's global setup runs only when some of its tests are selected.
'use strict';

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};

const UNIT = '<rootDir>/test/unit/';
const FAST_WORKFLOWS = '<rootDir>/test/workflows/fast/';

module.exports = {
  maxWorkers: 2,
  // A global option (jest ignores it in a project). Hooks get it too: a file's stack (its own
  // Temporal dev server among others) may take half a minute to start on a loaded machine.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', roots: [UNIT], testMatch: ['**/*.test.ts'] },
    {
      ...shared,
      displayName: 'workflows-fast',
      roots: [FAST_WORKFLOWS],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/workflow-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/workflow-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', UNIT, FAST_WORKFLOWS],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
