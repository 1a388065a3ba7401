/** @type {import('jest').Config} */
// Tests are plain JavaScript: n8n's strict community lint (which must pass with zero errors)
// applies its node rules to every .ts file, and tests need Node built-ins that nodes may not use.
// The node's TypeScript sources are compiled on the fly by ts-jest.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] };

module.exports = {
	// n8n-core keeps a handle open after WorkflowExecute finishes (none shows in
	// --detectOpenHandles); without this, a green run never exits
	forceExit: true,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/unit/**/*.test.js', '<rootDir>/test/stand-in/**/*.test.js'],
		},
		{
			// the built package: `npm pack` contents, the scanner's lint, the release guards (after a build)
			displayName: 'pack',
			testEnvironment: 'node',
			transform: {},
			testMatch: ['<rootDir>/test/pack/**/*.test.js'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform,
			testMatch: ['<rootDir>/test/e2e/**/*.test.js'],
		},
		{
			// a real browser (Debian's chromium) in the editor of every n8n host: test/editor/README.md
			displayName: 'editor',
			testEnvironment: 'node',
			transform: {},
			testMatch: ['<rootDir>/test/editor/**/*.test.js'],
		},
	],
};
