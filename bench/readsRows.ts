/**
 * Section 9 of `npm run bench`: requests a run needs, side by side with n8n's HTTP Request node (the
 * peer a user would build instead), both run by n8n-core's engine through test/harness against the
 * sandbox, which counts the requests. The HTTP Request node is n8n-nodes-base's, loaded from the real n8n
 * that scripts/n8n installs (the same version as the n8n-core the harness runs).
 *   - 5,000 items naming 3 numbers: Get and Check Readiness under the Production plan (the sandbox enforces
 *     it), against HTTP Request GETting each item's number.
 *   - one poll of a trigger watching 2 of 10,000 numbers, and watching none (the list), against HTTP
 *     Request reading the list with its Pagination option, or GETting the 2 numbers.
 *   - the list read by many items over 10,000 numbers: Choose for Campaign × 100 items, List × 20 items
 *     with different filters, and the trigger's dropdown opened twice, against HTTP Request reading the
 *     whole list (Pagination option) for each item, or for each opening.
 * Each row runs in a fresh child process: one warm-up run, then `runs` timed runs; the child asks the
 * parent for the sandbox's request count around each timed run.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { IDataObject, INodeType } from 'n8n-workflow';

import { BenchSandbox } from './benchSandbox';
import { generateNumbers } from '../test/sandbox/data';
import { ApiSandbox, SANDBOX_API_KEY } from '../test/sandbox/server';

const LIST_PATH = '/api/message-server/whatsapp/phone-numbers';
const PRODUCTION = { perSecond: 50, perMinute: 1_000 };
export const ITEMS = 5_000;
const NAMED = ['gen-000001', 'gen-000502', 'gen-000903'];
const WATCHED = ['gen-004000', 'gen-009999'];
const HTTP_TYPE = 'n8n-nodes-base.httpRequest';
const HTTP_VERSION = 4.2;

export type ReadsSpec =
	| { kind: 'items'; client: 'node' | 'http'; operation: 'get' | 'checkReadiness'; runs: number }
	| { kind: 'poll'; client: 'node' | 'httpList' | 'httpDetails'; watch: number; runs: number }
	| { kind: 'lists'; client: 'node' | 'http'; job: ListJob; runs: number };

/** What reads the list: Choose for Campaign items, List items, or the trigger's dropdown opened twice. */
export type ListJob = 'choose' | 'list' | 'dropdown';
/** Input items per list job (the dropdown: openings). */
export const LIST_ITEMS: Record<ListJob, number> = { choose: 100, list: 20, dropdown: 2 };
const LIST_STATUSES = ['ACTIVE', 'PENDING', 'FLAGGED', 'CONNECTED'];

export interface ReadsResult {
	times: number[];
	/** Requests of each timed run, as the sandbox counted them. */
	requests: number[];
	/** Answers the sandbox refused with 429 during the timed runs. */
	refused: number;
	outputItems: number;
	httpRequestNode?: string;
	error?: string;
}

// ---------- child ----------

let countId = 0;
const waiting = new Map<number, (value: { requests: number; refused: number }) => void>();
function sandboxCount(): Promise<{ requests: number; refused: number }> {
	const id = ++countId;
	return new Promise((resolve) => {
		waiting.set(id, resolve);
		process.send!({ type: 'reads-count', id });
	});
}

/** n8n's HTTP Request node from the installed real n8n whose version matches the harness's n8n-core. */
async function loadHttpRequestNode(): Promise<{ type: INodeType; where: string }> {
	const root = join(__dirname, '../..');
	// Loaded at run time from wherever ensureN8n installed them, typed by hand.
	const load = createRequire(__filename);
	const { version } = load(join(root, 'node_modules/n8n-core/package.json')) as { version: string };
	const { ensureN8n } = load(join(root, 'scripts/n8n/runtime.js')) as { ensureN8n(opts: { version: string }): Promise<{ dir: string }> };
	const { dir } = await ensureN8n({ version });
	const base = join(dir, 'n8n/node_modules/n8n-nodes-base');
	const { version: baseVersion } = load(join(base, 'package.json')) as { version: string };
	const { HttpRequest } = load(join(base, 'dist/nodes/HttpRequest/HttpRequest.node.js')) as { HttpRequest: new () => INodeType };
	return { type: new HttpRequest(), where: `n8n-nodes-base ${baseVersion}, HTTP Request v${HTTP_VERSION}` };
}

const keyHeader = {
	sendHeaders: true,
	specifyHeaders: 'keypair',
	headerParameters: { parameters: [{ name: 'X-Api-Key', value: SANDBOX_API_KEY }] },
};

type RunOnce = () => Promise<number>;

async function prepare(spec: ReadsSpec, baseUrl: string): Promise<{ runOnce: RunOnce; httpRequestNode?: string }> {
	const { runActionNode, createPoller, registerNodeType, loadTriggerOptions } = await import('../test/harness/engine');
	const { runWorkflow, outputOf } = await import('../test/harness/workflow');
	const production = { apiKey: SANDBOX_API_KEY, baseUrl, plan: 'production' };
	const unpaced = { apiKey: SANDBOX_API_KEY, baseUrl, plan: 'custom', requestsPerSecond: 100_000, requestsPerMinute: 1_000_000 };
	let httpRequestNode: string | undefined;
	const httpList = httpListParameters(baseUrl);
	/** Runs the HTTP Request node; returns the numbers it read (a list page is one item holding its page). */
	const http = async (parameters: Record<string, unknown>, items: IDataObject[]): Promise<number> => {
		const run = await runWorkflow({
			nodes: [{ name: 'HTTP Request', type: HTTP_TYPE, typeVersion: HTTP_VERSION, parameters: parameters as never }],
			connections: [],
			items,
			credentials: production,
		});
		if (run.data.resultData.error) throw run.data.resultData.error;
		const out = outputOf(run, 'HTTP Request')[0];
		return out.reduce(
			(sum, item) => sum + (Array.isArray(item.json.phoneNumbers) ? item.json.phoneNumbers.length : item.json.phoneNumberId ? 1 : 0),
			0,
		);
	};
	if (spec.client === 'http' || spec.client === 'httpList' || spec.client === 'httpDetails') {
		const loaded = await loadHttpRequestNode();
		registerNodeType(HTTP_TYPE, loaded.type);
		httpRequestNode = loaded.where;
	}
	if (spec.kind === 'items') {
		const items = Array.from({ length: ITEMS }, (_, i) => ({ id: NAMED[i % NAMED.length], recipients: 500 + (i % 3) * 5_000 }));
		if (spec.client === 'http') {
			const parameters = { method: 'GET', url: `=${baseUrl}${LIST_PATH}/{{ encodeURIComponent($json.id) }}`, ...keyHeader, options: {} };
			return {
				runOnce: async () => {
					const read = await http(parameters, items);
					if (read !== ITEMS) throw new Error(`the HTTP Request node answered ${read} items of ${ITEMS}`);
					return read;
				},
				httpRequestNode,
			};
		}
		const parameters = {
			resource: 'phoneNumber',
			operation: spec.operation,
			phoneNumberId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			...(spec.operation === 'checkReadiness' ? { recipients: '={{ $json.recipients }}' } : {}),
		};
		return {
			runOnce: async () => {
				const result = await runActionNode({
					parameters: parameters as never,
					credentials: production,
					items,
					credentialId: 'reads-bench',
				});
				if (result.error) throw result.error;
				if (result.items.length !== ITEMS) throw new Error(`${result.items.length} items out`);
				return result.items.length;
			},
		};
	}
	if (spec.kind === 'lists')
		return { ...(await prepareLists(spec, production, httpList, http, runActionNode, loadTriggerOptions)), httpRequestNode };
	const watched = WATCHED.slice(0, spec.watch);
	if (spec.client === 'node') {
		const poller = await createPoller(
			{
				events: ['statusChanged', 'qualityRatingChanged', 'messagingLimitChanged', 'numberAdded', 'numberRemoved'],
				phoneNumberIds: watched,
			} as never,
			unpaced,
			'reads-trigger',
		);
		// The first poll of an active workflow: the baseline (and the list's page count).
		if ((await poller.poll('trigger')) !== null) throw new Error('the first poll should only store a baseline');
		return { runOnce: async () => ((await poller.poll('trigger')) ?? []).length };
	}
	if (spec.client === 'httpDetails') {
		const parameters = { method: 'GET', url: `=${baseUrl}${LIST_PATH}/{{ $json.id }}`, ...keyHeader, options: {} };
		return {
			runOnce: async () => {
				const read = await http(
					parameters,
					watched.map((id) => ({ id })),
				);
				if (read !== watched.length) throw new Error(`the HTTP Request node read ${read} numbers of ${watched.length}`);
				return read;
			},
			httpRequestNode,
		};
	}
	const parameters = httpList;
	return {
		runOnce: async () => {
			const read = await http(parameters, [{}]);
			if (read !== 10_000) throw new Error(`the HTTP Request node read ${read} numbers of 10,000`);
			return read;
		},
		httpRequestNode,
	};
}

/** HTTP Request reading the whole list with its Pagination option, pages of 100. */
function httpListParameters(baseUrl: string): Record<string, unknown> {
	return {
		method: 'GET',
		url: `${baseUrl}${LIST_PATH}`,
		sendQuery: true,
		specifyQuery: 'keypair',
		queryParameters: { parameters: [{ name: 'limit', value: '100' }] },
		...keyHeader,
		options: {
			pagination: {
				pagination: {
					paginationMode: 'updateAParameterInEachRequest',
					parameters: { parameters: [{ type: 'qs', name: 'page', value: '={{ $pageCount }}' }] },
					paginationCompleteWhen: 'other',
					// $pageCount: the pages read so far, this one included. Stops without a trailing empty page, as the trigger does.
					completeExpression: '={{ $response.body.phoneNumbers.length < 100 || $pageCount * 100 >= $response.body.total }}',
				},
			},
		},
	};
}

type Harness = typeof import('../test/harness/engine');

/** The list rows: this node (one read per run, or per credential for a minute) or HTTP Request reading the list per item. */
async function prepareLists(
	spec: Extract<ReadsSpec, { kind: 'lists' }>,
	credentials: { apiKey: string; baseUrl: string; plan: string },
	httpList: Record<string, unknown>,
	http: (parameters: Record<string, unknown>, items: IDataObject[]) => Promise<number>,
	runActionNode: Harness['runActionNode'],
	loadTriggerOptions: Harness['loadTriggerOptions'],
): Promise<{ runOnce: RunOnce }> {
	const count = LIST_ITEMS[spec.job];
	if (spec.client === 'http') {
		const items = Array.from({ length: count }, () => ({}));
		return {
			runOnce: async () => {
				const read = await http(httpList, items);
				if (read !== count * 10_000) throw new Error(`the HTTP Request node read ${read} numbers of ${count * 10_000}`);
				return read;
			},
		};
	}
	if (spec.job === 'dropdown') {
		let opening = 0;
		return {
			runOnce: async () => {
				// A credential of its own per timed run: each starts without the one-minute copy.
				const credentialId = `reads-dropdown-${++opening}`;
				let options = 0;
				for (let i = 0; i < count; i++) options += (await loadTriggerOptions('getPhoneNumbers', credentials as never, credentialId)).length;
				if (options !== count * 10_000) throw new Error(`the dropdown showed ${options} options of ${count * 10_000}`);
				return options;
			},
		};
	}
	const items = Array.from({ length: count }, (_, i) => ({
		recipients: [100, 1_500, 9_000, 50_000][i % 4],
		brand: `Brand ${i % 50}`,
		statuses: [LIST_STATUSES[i % 4], LIST_STATUSES[(i + 1 + Math.floor(i / 4)) % 4]],
	}));
	const parameters =
		spec.job === 'choose'
			? {
					resource: 'phoneNumber',
					operation: 'chooseForCampaign',
					recipients: '={{ $json.recipients }}',
					nameContains: '={{ $json.brand }}',
				}
			: { resource: 'phoneNumber', operation: 'list', returnAll: true, filters: { status: '={{ $json.statuses }}' } };
	return {
		runOnce: async () => {
			const result = await runActionNode({
				parameters: parameters as never,
				credentials: credentials as never,
				items,
				onError: 'continueRegularOutput',
				credentialId: 'reads-lists',
			});
			if (result.error) throw result.error;
			return result.items.length;
		},
	};
}

export async function readsChildMain(specJson: string, baseUrl: string): Promise<void> {
	process.on('message', (message: { type?: string; id?: number; value?: { requests: number; refused: number } }) => {
		if (message.type === 'reads-count' && message.id !== undefined && message.value) {
			waiting.get(message.id)?.(message.value);
			waiting.delete(message.id);
		}
	});
	const spec = JSON.parse(specJson) as ReadsSpec;
	let result: ReadsResult;
	try {
		const { runOnce, httpRequestNode } = await prepare(spec, baseUrl);
		let outputItems = await runOnce(); // warm-up
		const times: number[] = [];
		const requests: number[] = [];
		let refused = 0;
		for (let run = 0; run < spec.runs; run++) {
			const before = await sandboxCount();
			const started = performance.now();
			outputItems = await runOnce();
			times.push(performance.now() - started);
			const after = await sandboxCount();
			requests.push(after.requests - before.requests);
			refused += after.refused - before.refused;
		}
		result = { times, requests, refused, outputItems, httpRequestNode };
	} catch (error) {
		result = {
			times: [],
			requests: [],
			refused: 0,
			outputItems: 0,
			error: error instanceof Error ? (error.stack ?? error.message) : String(error),
		};
	}
	process.send!({ type: 'reads-result', result });
	setTimeout(() => process.exit(0), 50);
}

// ---------- parent ----------

export interface ReadsSandboxes {
	/** 1,000 numbers, the Production plan enforced. */
	items: ApiSandbox;
	/** 10,000 numbers, no rate limit (the trigger rows run with pacing off). */
	poll: BenchSandbox;
	stop(): Promise<void>;
}

export async function startReadsSandboxes(): Promise<ReadsSandboxes> {
	const items = new ApiSandbox({ numbers: generateNumbers(1_000), rateLimit: PRODUCTION });
	const poll = new BenchSandbox(10_000);
	await items.start();
	await poll.sandbox.start();
	return { items, poll, stop: async () => void (await Promise.all([items.stop(), poll.sandbox.stop()])) };
}

export function runReadsRow(benchScript: string, sandboxes: ReadsSandboxes, spec: ReadsSpec): Promise<ReadsResult> {
	// The HTTP Request node does not pace: under the enforced Production plan its 5,000 requests would
	// mostly be refused, so its item rows go to the 10,000-number sandbox, which has no rate limit.
	// The list rows read 10,000 numbers: the node paces itself to the Production plan, the peer does not.
	const sandbox = spec.kind === 'items' && spec.client === 'node' ? sandboxes.items : sandboxes.poll.sandbox;
	sandbox.resetLog();
	const child = fork(benchScript, ['--reads-child', JSON.stringify(spec), sandbox.baseUrl], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return new Promise((resolve, reject) => {
		let result: ReadsResult | undefined;
		child.on('message', (message: { type: string; id?: number; result?: ReadsResult }) => {
			if (message.type === 'reads-count') {
				const value = { requests: sandbox.requests.length, refused: sandbox.requests.filter((r) => r.status === 429).length };
				child.send({ type: 'reads-count', id: message.id, value });
			} else if (message.type === 'reads-result') result = message.result;
		});
		child.on('exit', (code) => {
			sandbox.resetLog();
			if (!result) return reject(new Error(`reads child ${JSON.stringify(spec)} exited (${code}) without a result`));
			if (result.error) return reject(new Error(`reads child ${JSON.stringify(spec)} failed: ${result.error}`));
			resolve(result);
		});
	});
}

/**
 * The least wall time of `requests` GETs under the Production plan (50 a second, 1,000 in any minute):
 * request k cannot go before k / 50 s, nor before 60 s after request k − 1,000.
 */
export function productionFloorMs(requests: number): number {
	const at: number[] = [];
	for (let k = 0; k < requests; k++)
		at.push(Math.max(k * (1000 / PRODUCTION.perSecond), k >= PRODUCTION.perMinute ? at[k - PRODUCTION.perMinute] + 60_000 : 0));
	return requests ? at[requests - 1] : 0;
}
