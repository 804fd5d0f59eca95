/**
 * One poll mode of a real n8n for the crash tests: the package installed as a community package, one active
 * trigger workflow (every minute, all events) against a sandbox of its own, and the means to see a poll start,
 * crash n8n (SIGKILL to its process group), restart it and read every stored execution's events.
 */
import { join } from 'node:path';

import { ApiSandbox, type RecordedRequest } from '../sandbox/server';
import { type Execution, type N8nInstance, n8nScripts, REPO_ROOT } from '../../scripts/demo/environment';
import { CHANGE_EVENTS } from '../../nodes/AgileTelecomWhatsAppTrigger/numberChanges';

/* eslint-disable @typescript-eslint/no-explicit-any -- scripts/n8n is plain JavaScript, executions are JSON */
export type PollMode = 'classic' | 'durable' | 'queue';

/** n8n's durable poll cursors: polls as scheduler tasks, the cursor committed with the execution it starts. */
export const DURABLE_CURSORS_ENV = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

const CREDENTIAL = { id: 'agileCrash', name: 'Agile Telecom (crash tests)', type: 'agileTelecomApi' };
const API_KEY = 'crash-key-51ae07-please-redact';
export const WORKFLOW_ID = 'crashTrigger';
export const TRIGGER_NAME = 'Number changed';
/** Requests of one poll come within this of its first (retries included); polls are a minute apart. */
const SAME_POLL_MS = 25_000;
/** How long n8n may take from its start to its first poll (the workflow's activation, or the next minute). */
const FIRST_POLL_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function triggerWorkflow(): any {
	return {
		id: WORKFLOW_ID,
		name: 'Crash tests: number changes',
		nodes: [
			{
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					events: [...CHANGE_EVENTS, 'stateReset'],
					phoneNumberIds: [],
					options: {},
				},
				id: 'trigger',
				name: TRIGGER_NAME,
				type: 'n8n-nodes-agiletelecom.agileTelecomWhatsAppTrigger',
				typeVersion: 1,
				position: [0, 0],
				credentials: { agileTelecomApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/** The trigger's items of one execution: from its run data, or, for an execution that never ran (crashed), from the stack it was to start with. */
function triggerItems(execution: Execution): any[] {
	const run = execution.data?.resultData?.runData?.[TRIGGER_NAME]?.[0];
	if (run) return run.data?.main?.[0] ?? [];
	const stack = (execution.data as any)?.executionData?.nodeExecutionStack ?? [];
	const start = stack.find((entry: any) => entry.node?.name === TRIGGER_NAME);
	return start?.data?.main?.[0] ?? [];
}

/** One line per event (`statusChanged waba-num-002`), or `error` per failed poll's execution, oldest first. */
export function eventLines(executions: Execution[]): string[] {
	return executions.flatMap((execution) => {
		const items = triggerItems(execution);
		if (!items.length && execution.status === 'error') return ['error'];
		return items.map((item: any) => `${item.json.event} ${item.json.phoneNumberId ?? ''}`.trim());
	});
}

export interface CrashWorld {
	mode: PollMode;
	sandbox: ApiSandbox;
	n8n: N8nInstance;
	/** Starts n8n; resolves with the time its first poll started (waits for that poll). */
	start(): Promise<number>;
	/** The start of the next poll that begins after `after` (epoch ms). */
	nextPoll(after: number, timeoutMs?: number): Promise<number>;
	/** SIGKILL n8n's process group the moment the next poll after `after` reaches the API. */
	killAtNextPoll(after: number): Promise<number>;
	stop(): Promise<void>;
	/** Every stored execution's events, once none is still running. */
	events(): Promise<string[]>;
	close(): Promise<void>;
}

export async function startCrashWorld(mode: PollMode, log: (message: string) => void): Promise<CrashWorld> {
	const sandbox = new ApiSandbox();
	await sandbox.start();
	sandbox.addApiKey(API_KEY);
	const runtime = await n8nScripts.ensureN8n({ version: process.env.N8N_VERSION, log });
	// Under jest NODE_ENV is "test"; n8n runs as it would for a user.
	const env: Record<string, string> = { NODE_ENV: 'production', ...(mode === 'durable' ? DURABLE_CURSORS_ENV : {}) };
	let queue: any;
	let n8n: N8nInstance;
	let startN8n: () => Promise<void>;
	if (mode === 'queue') {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { startQueueMode } = require(join(REPO_ROOT, 'scripts/n8n/queue.js'));
		queue = await startQueueMode({ runtime, workers: 1, env, log });
		n8n = queue.main;
		startN8n = () => queue.startMain();
	} else {
		n8n = n8nScripts.createInstance({ runtime, log, env });
		startN8n = async () => void (await n8n.start());
	}
	const polls = () => pollStarts(sandbox.requests);
	const nextPoll = async (after: number, timeoutMs = 150_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const start = polls().find((at) => at > after);
			if (start !== undefined) return start;
			if (Date.now() > deadline) throw new Error(`${mode}: no poll within ${timeoutMs / 1000} s after ${new Date(after).toISOString()}`);
			await sleep(200);
		}
	};
	try {
		n8n.installCommunityPackage(REPO_ROOT);
		await n8n.importCredentials([{ ...CREDENTIAL, data: { apiKey: API_KEY, baseUrl: sandbox.baseUrl } }]);
		await n8n.importWorkflows([triggerWorkflow()]);
		await n8n.activateWorkflow(WORKFLOW_ID);
	} catch (error) {
		await (queue ? queue.stop() : n8n.stop());
		await sandbox.stop();
		throw error;
	}
	return {
		mode,
		sandbox,
		n8n,
		async start() {
			const from = Date.now();
			await startN8n();
			// A case that times a change from n8n's first poll needs its real instant: measured 8–13 s after
			// the start on a new activation, but 45–80 s after a restart on a loaded 2-core machine.
			const firstPoll = await nextPoll(from, FIRST_POLL_TIMEOUT_MS);
			log(`${mode}: the first poll came ${((firstPoll - from) / 1000).toFixed(1)} s after the start`);
			return firstPoll;
		},
		nextPoll,
		async killAtNextPoll(after) {
			let killed: Promise<unknown> | undefined;
			let at = 0;
			// The poll's list request waits: n8n dies while it reads the change.
			sandbox.inject({ type: 'delay', ms: 5_000 }, 1, 'list');
			const unsubscribe = sandbox.onRequest((request: RecordedRequest) => {
				if (killed || request.endpoint !== 'list' || request.at <= after) return;
				at = request.at;
				killed = n8n.kill();
			});
			try {
				await nextPoll(after);
				await killed;
			} finally {
				unsubscribe();
				sandbox.clearFaults();
			}
			log(`${mode}: n8n killed (SIGKILL, process group) at the poll of ${new Date(at).toISOString()}`);
			return at;
		},
		async stop() {
			await n8n.stop();
		},
		async events() {
			for (let i = 0; ; i++) {
				const page = await n8n.api('GET', `/api/v1/executions?workflowId=${WORKFLOW_ID}&includeData=true&limit=250`);
				const executions = (page.data as Execution[]).sort((a, b) => Number(a.id) - Number(b.id));
				if (executions.every((e) => !['new', 'running'].includes(String(e.status))) || i > 30) return eventLines(executions);
				await sleep(1000);
			}
		},
		async close() {
			await (queue ? queue.stop() : n8n.stop());
			await sandbox.stop();
		},
	};
}

/** When each poll began: a list request more than SAME_POLL_MS after the previous one. */
function pollStarts(requests: RecordedRequest[]): number[] {
	const lists = requests.filter((r) => r.endpoint === 'list').map((r) => r.at);
	return lists.filter((at, i) => i === 0 || at - lists[i - 1] > SAME_POLL_MS);
}
