/** End-to-end tests: the examples in a real n8n (installed once into .cache/n8n), against the sandbox. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/.test-build/test/e2e'],
	testMatch: ['**/*.e2e.js'],
	// The first run on a machine installs n8n (minutes); a poll interval is a minute.
	testTimeout: 15 * 60_000,
	maxWorkers: 1,
};
