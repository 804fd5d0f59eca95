/** Tests are TypeScript compiled by tsc (test/tsconfig.json) into .test-build; jest runs the output. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/.test-build/test'],
	testMatch: ['**/*.test.js'],
	setupFilesAfterEnv: ['<rootDir>/.test-build/test/harness/setup.js'],
	testTimeout: 60_000,
	// The engine tests share the sandbox per file; two workers match CI's two cores.
	maxWorkers: 2,
};
