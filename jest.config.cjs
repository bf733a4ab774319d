const { existsSync } = require('node:fs');
const { join } = require('node:path');

/**
 * One Jest run for every layer (quality.md): domain units, API over HTTP on a real
 * PostgreSQL, realtime and system tests, and the browser tests in Chromium.
 */
module.exports = {
  // Global options (Jest ignores these in a project's own config when run from here).
  // Real databases, processes and browsers on a small machine: generous, never asserted.
  testTimeout: 180000,
  projects: [
    'libs/domain/jest.config.cjs',
    'apps/api/jest.config.cjs',
    'tests/system/jest.config.cjs',
    'tests/e2e/jest.config.cjs',
  ]
    .map((config) => join(__dirname, config))
    .filter((config) => existsSync(config)),
};
