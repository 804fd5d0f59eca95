/** Crash tests: one real n8n per poll mode (classic, durable cursors, queue mode), in parallel, against a sandbox each. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/.test-build/test/crash'],
	testMatch: ['**/*.crash.js'],
	// Each mode waits for about ten scheduled polls (one a minute) and three restarts of n8n.
	testTimeout: 15 * 60_000,
	maxWorkers: 3,
};
