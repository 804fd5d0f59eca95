// @ts-check
'use strict';
// Reproduction: under n8n's durable poll cursors the state a polling trigger saves in its activation poll does
// not reach the scheduler's first poll, so a change made just after activation is never delivered.
// Runs n8n 2.41.1 twice at once (classic and durable cursors), each with n8n's own RSS Feed Read Trigger against
// a feed served here and this package's trigger against a minimal stand-in of its API; 2 s after
// each source's activation poll (its first read) a feed item is published and a number's status changes; then it
// waits for two scheduled polls of each.
//   node scripts/repro/durable-cursor-lost-baseline.js        (build the package first: npm run build)
const http = require('node:http');
const path = require('node:path');

const { ensureN8n, createInstance } = require('../n8n');

const REPO_ROOT = path.resolve(__dirname, '../..');
const DURABLE_CURSORS = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};
const API_KEY = 'repro-key-please-redact';
const PUBLISH_AFTER_MS = 2_000;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** A feed and a one-number API on one port; `polls` records when each was read. */
async function startFeedAndApi() {
	/** @type {Array<{title: string, date: Date}>} */
	const items = [{ title: 'Before activation', date: new Date(Date.now() - 3_600_000) }];
	const number = {
		phoneNumberId: 'repro-num-1',
		phoneNumber: '+390200000001',
		displayName: 'Repro',
		status: 'PENDING',
		qualityRating: 'GREEN',
		messagingLimit: 'TIER_1K',
	};
	/** @type {{feed: number[], api: number[]}} */
	const polls = { feed: [], api: [] };
	/** @type {{feed?: number, api?: number}} when each source changed */
	const published = {};
	// Each source changes PUBLISH_AFTER_MS after its first read (the activation poll), before its first scheduled poll.
	const publishSoon = (/** @type {'feed' | 'api'} */ source, /** @type {() => void} */ change) => {
		if (polls[source].length === 1)
			setTimeout(() => {
				change();
				published[source] = Date.now();
			}, PUBLISH_AFTER_MS);
	};
	const server = http.createServer((req, res) => {
		if (req.url === '/feed.xml') {
			polls.feed.push(Date.now());
			publishSoon('feed', () => items.push({ title: 'Published after activation', date: new Date() }));
			const entries = items
				.map((i) => `<item><title>${i.title}</title><guid>${i.title}</guid><pubDate>${i.date.toUTCString()}</pubDate></item>`)
				.join('');
			res.writeHead(200, { 'content-type': 'application/rss+xml' });
			res.end(
				`<?xml version="1.0"?><rss version="2.0"><channel><title>Repro</title><link>http://127.0.0.1/</link>${entries}</channel></rss>`,
			);
			return;
		}
		if (req.headers['x-api-key'] !== API_KEY) {
			res.writeHead(401, { 'content-type': 'application/json' });
			res.end('{"status":"fail","data":{"authentication":"Invalid or missing API key"}}');
			return;
		}
		if (
			String(req.url).startsWith('/api/message-server/whatsapp/phone-numbers?') ||
			req.url === '/api/message-server/whatsapp/phone-numbers'
		) {
			polls.api.push(Date.now());
			publishSoon('api', () => (number.status = 'ACTIVE'));
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ phoneNumbers: [number], total: 1 }));
			return;
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end('{"status":"fail","data":{"path":"not found"}}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}`,
		polls,
		published,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/** @param {string} id @param {string} name @param {Record<string, unknown>} node */
function pollWorkflow(id, name, node) {
	return {
		id,
		name,
		nodes: [{ id: `${id}-node`, name, typeVersion: 1, position: [0, 0], ...node }],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * @param {import('../n8n/runtime').Runtime} runtime
 * @param {'classic' | 'durable cursors'} mode
 */
async function runMode(runtime, mode) {
	const log = (/** @type {string} */ msg) => process.stderr.write(`[${mode}] ${msg}\n`);
	const world = await startFeedAndApi();
	const n8n = createInstance({ runtime, log, env: { NODE_ENV: 'production', ...(mode === 'durable cursors' ? DURABLE_CURSORS : {}) } });
	const everyMinute = { item: [{ mode: 'everyMinute' }] };
	try {
		n8n.installCommunityPackage(REPO_ROOT);
		await n8n.importCredentials([
			{ id: 'reproCred', name: 'Repro API', type: 'agileTelecomApi', data: { apiKey: API_KEY, baseUrl: world.url } },
		]);
		await n8n.importWorkflows([
			pollWorkflow('reproRss', 'RSS Feed Trigger', {
				type: 'n8n-nodes-base.rssFeedReadTrigger',
				parameters: { pollTimes: everyMinute, feedUrl: `${world.url}/feed.xml` },
			}),
			pollWorkflow('reproAgile', 'Number changed', {
				type: 'n8n-nodes-agiletelecom.agileTelecomWhatsAppTrigger',
				parameters: { pollTimes: everyMinute, events: ['statusChanged', 'stateReset'], phoneNumberIds: [], options: {} },
				credentials: { agileTelecomApi: { id: 'reproCred', name: 'Repro API' } },
			}),
		]);
		for (const id of ['reproRss', 'reproAgile']) await n8n.activateWorkflow(id);
		await n8n.start();
		if (!world.polls.feed.length) throw new Error('n8n did not poll the feed at activation');
		// Two scheduled polls of each source after its change (a minute apart), then time to store their executions.
		const polledTwiceSince = (/** @type {'feed' | 'api'} */ source) =>
			world.polls[source].filter((t) => t > (world.published[source] ?? Infinity)).length >= 2;
		for (let deadline = Date.now() + 180_000; !(polledTwiceSince('feed') && polledTwiceSince('api')) && Date.now() < deadline;)
			await sleep(500);
		for (const source of /** @type {const} */ (['feed', 'api'])) {
			const [activation, firstScheduled] = world.polls[source];
			log(
				`${source}: activation poll, change ${(world.published[source] ?? NaN) - activation} ms later, first scheduled poll ${firstScheduled - activation} ms after the activation poll`,
			);
		}
		await sleep(10_000);
		const rss = await n8n.api('GET', '/api/v1/executions?workflowId=reproRss&limit=50');
		const agile = await n8n.api('GET', '/api/v1/executions?workflowId=reproAgile&includeData=true&limit=50');
		/** @type {string[]} the trigger's events over all its executions */
		const events = [...agile.data]
			.sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.id) - Number(b.id))
			.flatMap(
				(/** @type {any} */ e) =>
					e.data?.resultData?.runData?.['Number changed']?.[0]?.data?.main?.[0]?.map((/** @type {any} */ i) => i.json.event) ?? [],
			);
		const outcome = {
			"n8n's RSS Feed Read Trigger": rss.data.length ? `delivered (${rss.data.length} execution(s))` : 'NEVER DELIVERED',
			'Agile Telecom WhatsApp Trigger': events.includes('statusChanged')
				? `delivered (${events.join(', ')})`
				: events.includes('stateReset')
					? 'not delivered, flagged by a stateReset item'
					: 'NEVER DELIVERED',
		};
		return { mode, feedPolls: world.polls.feed.length, outcome };
	} finally {
		await n8n.stop();
		await world.close();
	}
}

async function main() {
	const runtime = await ensureN8n({ version: '2.41.1' });
	const results = await Promise.all([runMode(runtime, 'classic'), runMode(runtime, 'durable cursors')]);
	for (const { mode, feedPolls, outcome } of results) {
		console.log(`\n${mode} (n8n ${runtime.version}, ${feedPolls} feed polls):`);
		for (const [trigger, result] of Object.entries(outcome)) console.log(`  ${trigger}: ${result}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
