/** Queue-mode tests: a real n8n main + workers with PostgreSQL and Redis (scripts/n8n/queue.js), against the sandbox. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/.test-build/test/queue'],
	testMatch: ['**/*.queue.js'],
	// Starting PostgreSQL, Redis and three n8n processes takes minutes on a busy machine; a poll interval is a minute.
	testTimeout: 15 * 60_000,
	maxWorkers: 1,
};
