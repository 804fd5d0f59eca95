/**
 * A real n8n in queue mode (scripts/n8n/queue.js: PostgreSQL, Redis, main, N workers) with this package
 * installed as a community package, a credential on a scaled-down custom plan pointing at the sandbox
 * (which enforces that plan per key), and webhook workflows whose executions the workers run.
 * Shared by `npm run test:queue` and `npm run bench:queue`.
 */
import { join } from 'node:path';

import { ApiSandbox, type SandboxOptions } from '../sandbox/server';
import { type N8nInstance, n8nScripts, REPO_ROOT } from '../../scripts/demo/environment';

/* eslint-disable @typescript-eslint/no-explicit-any -- scripts/n8n is plain JavaScript */
interface QueueMode {
	main: N8nInstance;
	workers: Array<{ pid: number; logFile: string; output(): string }>;
	startMain(): Promise<void>;
	countInWorkerLogs(pattern: RegExp): number[];
	stop(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startQueueMode } = require(join(REPO_ROOT, 'scripts/n8n/queue.js')) as {
	startQueueMode(options: {
		runtime: unknown;
		workers?: number;
		env?: Record<string, string>;
		log?: (message: string) => void;
	}): Promise<QueueMode>;
};

/** The two kinds of API: one counts only the requests it accepts, the stricter one also those it rejects. */
export const KINDS = ['lenient', 'strict'] as const;
export type Kind = (typeof KINDS)[number];

/** One credential (and API key) per kind of API, each pointing at its own sandbox. */
export const CREDENTIALS: Record<Kind, { id: string; name: string; type: string; apiKey: string }> = {
	lenient: {
		id: 'agileQueueLenient',
		name: 'Agile Telecom (lenient API)',
		type: 'agileTelecomApi',
		apiKey: 'queue-lenient-key-7d3e91-please-redact',
	},
	strict: {
		id: 'agileQueueStrict',
		name: 'Agile Telecom (strict API)',
		type: 'agileTelecomApi',
		apiKey: 'queue-strict-key-2b8c44-please-redact',
	},
};

export interface WebhookFlow {
	/** The webhook path, also the workflow's ID suffix. */
	path: string;
	/** The nodes after "One item per ID" (which gives each item `id`); the last one answers the webhook. */
	nodes: any[];
}

/** A webhook workflow: POST {"ids": [...]} → one item per ID → `nodes` → the last node's items as the answer. */
export function webhookWorkflow(flow: WebhookFlow): any {
	const nodes = [
		{
			parameters: { httpMethod: 'POST', path: flow.path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			id: 'hook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `queue-${flow.path}`,
		},
		{
			parameters: {
				assignments: { assignments: [{ id: 'ids-0', name: 'id', value: '={{ $json.body.ids }}', type: 'array' }] },
				options: {},
			},
			id: 'ids',
			name: 'IDs',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [240, 0],
		},
		{
			parameters: { fieldToSplitOut: 'id', options: {} },
			id: 'split',
			name: 'One item per ID',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [480, 0],
		},
		...flow.nodes,
	];
	const names = nodes.map((node) => node.name);
	const connections = Object.fromEntries(
		names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);
	return {
		id: `queue${flow.path.replace(/[^a-zA-Z0-9]/g, '')}`,
		name: `Queue mode: ${flow.path}`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/** Our node on each item: Get or Check Readiness, On Error: Continue. */
export function agileNode(operation: 'get' | 'checkReadiness', kind: Kind): any {
	return {
		parameters: {
			resource: 'phoneNumber',
			operation,
			phoneNumberId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			...(operation === 'checkReadiness' ? { recipients: 1000 } : {}),
		},
		id: 'agile',
		name: 'Agile Telecom',
		type: 'n8n-nodes-agiletelecom.agileTelecomWhatsApp',
		typeVersion: 1,
		position: [720, 0],
		credentials: { agileTelecomApi: { id: CREDENTIALS[kind].id, name: CREDENTIALS[kind].name } },
		onError: 'continueRegularOutput',
	};
}

export interface QueueWorld {
	sandboxes: Record<Kind, ApiSandbox>;
	queue: QueueMode;
	/** POSTs the IDs to a webhook; resolves with the answer's items. */
	fire(path: string, ids: string[]): Promise<any[]>;
	close(): Promise<void>;
}

export interface QueueWorldOptions {
	workers: number;
	sandbox: SandboxOptions;
	plan: { perSecond: number; perMinute: number };
	/** The workflows to import, given the sandboxes (for nodes that call them directly). */
	workflows(sandboxes: Record<Kind, ApiSandbox>): any[];
	/** Workflow IDs to activate (all by default). */
	activate?: string[];
	/** n8n's default mode instead: one process, SQLite (for comparison). */
	singleProcess?: boolean;
	log?: (message: string) => void;
}

export async function startQueueWorld(options: QueueWorldOptions): Promise<QueueWorld> {
	const log = options.log ?? ((message: string) => console.log(message));
	const sandboxes = { lenient: new ApiSandbox(options.sandbox), strict: new ApiSandbox({ ...options.sandbox, countRejected: true }) };
	const stopSandboxes = () => Promise.all(KINDS.map((kind) => sandboxes[kind].stop()));
	for (const kind of KINDS) {
		await sandboxes[kind].start();
		sandboxes[kind].addApiKey(CREDENTIALS[kind].apiKey);
	}
	let queue: QueueMode | undefined;
	try {
		const runtime = await n8nScripts.ensureN8n({ version: process.env.N8N_VERSION, log });
		// Under jest NODE_ENV is "test"; n8n runs as it would for a user.
		const env = { NODE_ENV: 'production' };
		queue = options.singleProcess
			? singleProcess(n8nScripts.createInstance({ runtime, log, env }))
			: await startQueueMode({ runtime, workers: options.workers, env, log });
		queue.main.installCommunityPackage(REPO_ROOT);
		await queue.main.importCredentials(
			KINDS.map((kind) => {
				const { apiKey, ...credential } = CREDENTIALS[kind];
				return {
					...credential,
					data: {
						apiKey,
						baseUrl: sandboxes[kind].baseUrl,
						plan: 'custom',
						requestsPerSecond: options.plan.perSecond,
						requestsPerMinute: options.plan.perMinute,
					},
				};
			}),
		);
		const workflows = options.workflows(sandboxes);
		await queue.main.importWorkflows(workflows);
		for (const id of options.activate ?? workflows.map((w) => w.id)) await queue.main.activateWorkflow(id);
		await queue.startMain();
		const started = queue;
		return {
			sandboxes,
			queue: started,
			async fire(path, ids) {
				const response = await fetch(`${started.main.url}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ ids }),
					signal: AbortSignal.timeout(600_000),
				});
				const text = await response.text();
				if (!response.ok) throw new Error(`webhook ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
				const body = JSON.parse(text);
				return Array.isArray(body) ? body : [body];
			},
			async close() {
				await started.stop();
				await stopSandboxes();
			},
		};
	} catch (error) {
		await queue?.stop();
		await stopSandboxes();
		throw error;
	}
}

/** n8n's default mode behind the same interface: one process that runs everything. */
function singleProcess(main: N8nInstance): QueueMode {
	return {
		main,
		workers: [],
		startMain: async () => {
			await main.start();
		},
		countInWorkerLogs: () => [],
		async stop() {
			await main.stop();
			const { rmSync } = await import('node:fs');
			rmSync(main.userFolder, { recursive: true, force: true });
		},
	};
}
