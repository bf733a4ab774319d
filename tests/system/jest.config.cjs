/** System tests: several built API processes on one embedded PostgreSQL, and faults. */
module.exports = {
  displayName: 'system',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.system.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', require('../../jest.swc.cjs')] },
  testTimeout: 180000,
};
