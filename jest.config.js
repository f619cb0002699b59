// Two projects: fast unit/integration tests beside the code and in test/, and end-to-end tests that drive
// a real OHIF viewer, Orthanc and Chromium (test/e2e). `npm test` runs both side by side, each in its own jest
// process, the e2e files one at a time (scripts/runTests.mjs; jest has no per-project worker limit).
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022' } }];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.(t|j)sx?$': swc },
      testMatch: ['<rootDir>/core/src/**/*.test.ts', '<rootDir>/server/src/**/*.test.ts', '<rootDir>/extensions/*/src/**/*.test.ts', '<rootDir>/modes/*/src/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'],
      transformIgnorePatterns: ['/node_modules/(?!(@cornerstonejs|@ohif|dcmjs|@kitware|gl-matrix|d3-[a-z-]+|internmap|comlink|@icr)/)'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.(t|j)sx?$': swc },
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
  testTimeout: 120000,
};
