/**
 * One Jest run for every layer (quality.md): domain units, API over HTTP on a real
 * PostgreSQL, realtime and system tests, and the browser tests in Chromium.
 */
module.exports = {
  projects: [
    '<rootDir>/libs/domain/jest.config.cjs',
    '<rootDir>/apps/api/jest.config.cjs',
    '<rootDir>/tests/e2e/jest.config.cjs',
  ],
};
