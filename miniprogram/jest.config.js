module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.js'],
  setupFilesAfterEnv: ['<rootDir>/tests/setup.js'],
  reporters: ['default', '<rootDir>/tests/summary-reporter.js'],
  testTimeout: 15000,
}
