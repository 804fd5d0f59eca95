'use strict';
// Proves the whole chain on a real n8n: install, a community package, import, execute, server
// start/stop, and an ACTIVE polling trigger whose executions are read back through the public API.
// The community package is a throw-away fixture written to a temp folder (no package.json in the repo).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const assert = require('node:assert/strict');
const { ensureN8n, formatDuration } = require('./runtime');
const { createInstance, nodeItems } = require('./instance');

const PKG = 'n8n-nodes-selftest';

// A programmatic node and a polling trigger, as a built package (package.json + dist/) would ship them.
const FIXTURE_FILES = {
	'package.json': JSON.stringify(
		{
			name: PKG,
			version: '0.0.1',
			license: 'MIT',
			keywords: ['n8n-community-node-package'],
			files: ['dist'],
			n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/SelfTest.node.js', 'dist/nodes/SelfTestTrigger.node.js'] },
			peerDependencies: { 'n8n-workflow': '*' },
		},
		null,
		2,
	),
	'dist/nodes/SelfTest.node.js': `
class SelfTest {
  description = {
    displayName: 'Self Test', name: 'selfTest', group: ['transform'], version: 1, description: 'Marks items',
    defaults: { name: 'Self Test' }, inputs: ['main'], outputs: ['main'], properties: [],
  };
  async execute() {
    return [this.getInputData().map((item) => ({ json: { ...item.json, markedBy: '${PKG}' } }))];
  }
}
module.exports = { SelfTest };
`,
	// Emits the items of a JSON list it has not seen yet (remembered in the workflow's static data).
	'dist/nodes/SelfTestTrigger.node.js': `
class SelfTestTrigger {
  description = {
    displayName: 'Self Test Trigger', name: 'selfTestTrigger', group: ['trigger'], version: 1,
    description: 'Polls a JSON list', defaults: { name: 'Self Test Trigger' }, polling: true,
    inputs: [], outputs: ['main'],
    properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
  };
  async poll() {
    const state = this.getWorkflowStaticData('node');
    const list = await this.helpers.httpRequest({ url: this.getNodeParameter('url'), json: true });
    const fresh = list.filter((item) => item.id > (state.lastId ?? 0));
    if (fresh.length === 0) return null;
    state.lastId = Math.max(...fresh.map((item) => item.id));
    return [this.helpers.returnJsonArray(fresh)];
  }
}
module.exports = { SelfTestTrigger };
`,
};

function writeFixture() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-selftest-pkg-'));
	for (const [file, text] of Object.entries(FIXTURE_FILES)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), text);
	}
	return dir;
}

// The "API" the trigger polls: a list that the test appends to.
async function startFeed() {
	const items = [{ id: 1, text: 'first' }];
	const server = http.createServer((_req, res) => res.end(JSON.stringify(items)));
	await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return { items, url: `http://127.0.0.1:${port}/items`, close: () => server.close() };
}

async function timed(label, fn) {
	const started = Date.now();
	const result = await fn();
	console.log(`✓ ${label} (${formatDuration(Date.now() - started)}, ${Date.now() - started} ms)`);
	return result;
}

/** @param {{version?: string, nodeMajor?: number, cacheDir?: string, keep?: boolean}} [options] */
async function selftest({ version, nodeMajor, cacheDir, keep = false } = {}) {
	const runtime = await timed('ensureN8n', () => ensureN8n({ version, nodeMajor, cacheDir }));
	console.log(`  n8n ${runtime.version} on Node.js ${runtime.nodeVersion}`);
	const n8n = createInstance({ runtime, userFolder: fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-selftest-')) });
	const fixture = writeFixture();
	const feed = await startFeed();
	try {
		const { name } = await timed('installCommunityPackage', () => n8n.installCommunityPackage(fixture));
		const types = await timed('listNodeTypes', () => n8n.listNodeTypes());
		const ours = types
			.filter((t) => t.name.startsWith(`${name}.`))
			.map((t) => t.name)
			.sort();
		assert.deepEqual(ours, [`${name}.selfTest`, `${name}.selfTestTrigger`]);
		const [tinyId, pollId] = await timed('importWorkflows', () =>
			n8n.importWorkflows([
				{
					name: 'tiny',
					nodes: [
						{ id: 'n1', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: 'n2',
							name: 'Set',
							type: 'n8n-nodes-base.set',
							typeVersion: 3.4,
							position: [200, 0],
							parameters: {
								mode: 'manual',
								options: {},
								assignments: {
									assignments: [
										{ id: 'a1', name: 'greeting', value: 'hello', type: 'string' },
										{ id: 'a2', name: 'sum', value: '={{ 1 + 2 }}', type: 'number' },
									],
								},
							},
						},
						{ id: 'n3', name: 'Mark', type: `${name}.selfTest`, typeVersion: 1, position: [400, 0], parameters: {} },
					],
					connections: {
						Manual: { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
						Set: { main: [[{ node: 'Mark', type: 'main', index: 0 }]] },
					},
					settings: {},
				},
				{
					name: 'poll',
					nodes: [
						{
							id: 'p1',
							name: 'Poll',
							type: `${name}.selfTestTrigger`,
							typeVersion: 1,
							position: [0, 0],
							parameters: { url: feed.url, pollTimes: { item: [{ mode: 'everyMinute' }] } },
						},
						{
							// an expression evaluated by the server's own (default) expression engine
							id: 'p2',
							name: 'Tenfold',
							type: 'n8n-nodes-base.set',
							typeVersion: 3.4,
							position: [200, 0],
							parameters: {
								mode: 'manual',
								options: {},
								assignments: { assignments: [{ id: 't', name: 'tenfold', value: '={{ $json.id * 10 }}', type: 'number' }] },
							},
						},
					],
					connections: { Poll: { main: [[{ node: 'Tenfold', type: 'main', index: 0 }]] } },
					settings: {},
				},
			]),
		);

		const run = await timed('executeWorkflow (manual trigger → Set → community node)', () => n8n.executeWorkflow(tinyId));
		assert.equal(run.code, 0, run.stdout + run.stderr);
		assert.deepEqual(nodeItems(run.result, 'Mark'), [{ greeting: 'hello', sum: 3, markedBy: PKG }]);

		await timed('activateWorkflow (CLI, before start)', () => n8n.activateWorkflow(pollId));
		const { url } = await timed('start', () => n8n.start());
		console.log(`  editor on ${url}`);
		// The poller runs once when the workflow is activated at startup: item 1 at once.
		const first = await timed('waitForExecutions: poll at activation', () => n8n.waitForExecutions(pollId, { min: 1, timeoutMs: 60_000 }));
		assert.deepEqual(nodeItems(first[0], 'Poll'), [{ id: 1, text: 'first' }]);
		assert.equal(first[0].mode, 'trigger');
		// Then every minute (n8n's minimum): only what is new since, thanks to the persisted static data.
		feed.items.push({ id: 2, text: 'second' });
		const both = await timed('waitForExecutions: scheduled poll (≤ 1 min)', () =>
			n8n.waitForExecutions(pollId, { min: 2, timeoutMs: 90_000 }),
		);
		assert.deepEqual(nodeItems(both[1], 'Poll'), [{ id: 2, text: 'second' }]);
		assert.deepEqual(nodeItems(both[1], 'Tenfold'), [{ tenfold: 20 }]);
	} finally {
		const exit = await timed('stop', () => n8n.stop());
		if (exit) console.log(`  n8n exited with ${JSON.stringify(exit)}`);
		feed.close();
		fs.rmSync(fixture, { recursive: true, force: true });
		if (keep) console.log(`  kept user folder ${n8n.userFolder}`);
		else fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	}
	console.log(`selftest passed on n8n ${runtime.version}`);
}

module.exports = { selftest };
