/** @type {import('jest').Config} */
// Queue-mode suite (the newest n8n host + Redis + Postgres): npx jest --config test/queue/jest.config.js
const path = require('node:path');

module.exports = {
	rootDir: path.resolve(__dirname, '..', '..'),
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/queue/**/*.test.js'],
	// n8n-core / fetch keep handles open after the suite (see the root config)
	forceExit: true,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
	testTimeout: 600_000,
};
