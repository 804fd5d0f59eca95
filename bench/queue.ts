/**
 * `npm run bench:queue`: the real n8n (from .cache/n8n) in queue mode with 1 and 2 workers and in its
 * default single-process mode, against the sandbox enforcing a scaled-down plan (20 requests/s, 300/min)
 * of both kinds (counting only accepted requests, and also rejected ones). Each row: 4 webhook
 * executions at once, 75 items each, through our node's Check Readiness ("On Error: Continue"), or
 * through n8n's HTTP Request node calling the same endpoint as n8n's docs advise for rate limits
 * (Batching 20 items per 1,000 ms, Retry On Fail 5 × 1 s). Each row has its own API key, so no row
 * inherits another's windows. Prints items ok / failed, 429s / requests, wall time and the ratio to the
 * least time the limit allows.
 *   BENCH_SETUPS="single,1,2"   BENCH_EXECUTIONS=4   BENCH_ITEMS=75
 */
import './env';

import { loadavg } from 'node:os';

import { generateNumbers } from '../test/sandbox/data';
import type { ApiSandbox } from '../test/sandbox/server';
import { agileNode, KINDS, type Kind, startQueueWorld, webhookWorkflow } from '../test/queue/world';
import { leastWallMs, printTable, type Row, rowOf } from './processes';

const PLAN = { perSecond: 20, perMinute: 300 };
const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 4);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 75);
const httpKey = (kind: Kind) => `bench-http-node-${kind}-key`;

/** n8n's HTTP Request node, set up as n8n's docs advise against rate limits. */
function httpRequestNode(sandbox: ApiSandbox, kind: Kind) {
	return {
		parameters: {
			url: `=${sandbox.baseUrl}/api/message-server/whatsapp/phone-numbers/{{ $json.id }}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'X-Api-Key', value: httpKey(kind) }] },
			options: { batching: { batch: { batchSize: 20, batchInterval: 1000 } } },
		},
		id: 'http',
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [720, 0],
		retryOnFail: true,
		maxTries: 5,
		waitBetweenTries: 1000,
		onError: 'continueRegularOutput',
	};
}

async function benchSetup(setup: string): Promise<Row[]> {
	const singleProcess = setup === 'single';
	const workers = singleProcess ? 0 : Number(setup);
	const world = await startQueueWorld({
		workers,
		singleProcess,
		sandbox: { numbers: generateNumbers(ITEMS), rateLimit: PLAN },
		plan: PLAN,
		log: (message) => console.error(message),
		workflows: (sandboxes) =>
			KINDS.flatMap((kind) => [
				webhookWorkflow({ path: `agile-${kind}`, nodes: [agileNode('checkReadiness', kind)] }),
				webhookWorkflow({ path: `http-${kind}`, nodes: [httpRequestNode(sandboxes[kind], kind)] }),
			]),
	});
	const rows: Row[] = [];
	try {
		for (const kind of KINDS) world.sandboxes[kind].addApiKey(httpKey(kind));
		// A number per item: items naming the same number share one read per run, which would leave nothing to pace.
		const ids = generateNumbers(ITEMS).map((number) => String(number.phoneNumberId));
		const label = singleProcess ? 'single process (default mode)' : `queue mode, ${workers} worker${workers > 1 ? 's' : ''}`;
		for (const kind of KINDS) {
			// The HTTP Request node first: n8n's own first-execution costs on fresh workers fall on it, not on us.
			for (const client of ['http', 'agile'] as const) {
				const sandbox = world.sandboxes[kind];
				sandbox.resetLog();
				const before = world.queue.countInWorkerLogs(/Worker started execution/);
				const load = loadavg()[0];
				const started = performance.now();
				const answers = await Promise.all(
					Array.from({ length: EXECUTIONS }, () => world.fire(`${client}-${kind}`, ids).catch((error: Error) => error)),
				);
				const wallMs = performance.now() - started;
				let ok = 0;
				let inOrder = true;
				const errors = new Set<string>();
				for (const answer of answers) {
					if (answer instanceof Error) {
						errors.add(answer.message.slice(0, 80));
						continue;
					}
					answer.forEach((item, index) => {
						if (item.error === undefined && item.phoneNumberId === ids[index]) ok++;
						else if (item.error !== undefined) errors.add(String(item.error?.message ?? item.error).slice(0, 80));
						else inOrder = false;
					});
					if (answer.length !== ITEMS) inOrder = false;
				}
				const perWorker = world.queue.countInWorkerLogs(/Worker started execution/).map((count, w) => count - (before[w] ?? 0));
				const setupName = `${label}, ${kind} API, ${client === 'agile' ? 'our node (Check Readiness)' : 'HTTP Request node (batching + retry)'}`;
				const notes = [
					perWorker.length ? `executions per worker ${perWorker.join('+')}` : '',
					`load ${load.toFixed(1)}`,
					inOrder ? '' : 'OUT OF ORDER',
					[...errors][0] ?? '',
				];
				rows.push(rowOf(setupName, { total: EXECUTIONS * ITEMS, ok, sandbox, wallMs, plan: PLAN }, notes));
				console.error(`done: ${rows.at(-1)!.setup}: ${ok} ok, ${(wallMs / 1000).toFixed(1)} s`);
				// Let the HTTP node's stragglers and the windows settle before the next row's key starts.
				await new Promise((resolve) => setTimeout(resolve, 2_000));
			}
		}
	} finally {
		await world.close();
	}
	return rows;
}

async function main(): Promise<void> {
	const setups = (process.env.BENCH_SETUPS ?? 'single,1,2').split(',');
	const rows: Row[] = [];
	for (const setup of setups) rows.push(...(await benchSetup(setup)));
	console.log(
		`${EXECUTIONS} webhook executions at once × ${ITEMS} items, plan ${PLAN.perSecond}/s and ${PLAN.perMinute}/min; least time ${(leastWallMs(EXECUTIONS * ITEMS, PLAN) / 1000).toFixed(1)} s`,
	);
	printTable(rows);
	console.log(
		`node ${process.version}; n8n ${process.env.N8N_VERSION ?? '2.41.1'}; loadavg at the end ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`,
	);
	process.exit(0);
}

if (require.main === module)
	void main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
