import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { agileNode, CREDENTIALS, KINDS, type QueueWorld, startQueueWorld, webhookWorkflow } from './world';

/**
 * n8n's queue mode for real (scripts/n8n/queue.js): PostgreSQL, Redis, n8n main and two workers, this
 * package installed as a community package, against the sandbox enforcing a scaled-down plan of both
 * kinds. Counts are asserted, not timings (`npm run bench:queue` measures speed).
 */
const PLAN = { perSecond: 10, perMinute: 100 };
const ITEMS = 20;
const TRIGGER_ID = 'queueTrigger';

/* eslint-disable @typescript-eslint/no-explicit-any -- items come back as JSON */
function triggerWorkflow(): any {
	return {
		id: TRIGGER_ID,
		name: 'Queue mode: number changes',
		nodes: [
			{
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					events: ['statusChanged', 'qualityRatingChanged'],
					phoneNumberIds: [],
					options: {},
				},
				id: 'trigger',
				name: 'Number changed',
				type: 'n8n-nodes-agiletelecom.agileTelecomWhatsAppTrigger',
				typeVersion: 1,
				position: [0, 0],
				credentials: { agileTelecomApi: { id: CREDENTIALS.lenient.id, name: CREDENTIALS.lenient.name } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

describe('n8n queue mode: main + 2 workers, PostgreSQL, Redis', () => {
	let world: QueueWorld;
	const log = (message: string) => console.log(message);

	beforeAll(async () => {
		world = await startQueueWorld({
			workers: 2,
			sandbox: { numbers: [...uc025Numbers(), ...generateNumbers(ITEMS, 'queued')], rateLimit: PLAN },
			plan: PLAN,
			log,
			workflows: () => [
				...KINDS.flatMap((kind) => [
					webhookWorkflow({ path: `get-${kind}`, nodes: [agileNode('get', kind)] }),
					webhookWorkflow({ path: `readiness-${kind}`, nodes: [agileNode('checkReadiness', kind)] }),
				]),
				triggerWorkflow(),
			],
		});
	});
	afterAll(async () => {
		await world?.close();
	});

	it.each(KINDS)('4 executions at once on one credential, %s API: every item answered exactly once, in order, paired', async (kind) => {
		const sandbox = world.sandboxes[kind];
		// The log is kept whole (the trigger's polls are in it): this test's requests are those after `from`.
		const from = sandbox.requests.length;
		// The three known numbers, then one of its own per item: items naming the same number share one read per run.
		const ids = [...uc025Numbers(), ...generateNumbers(ITEMS - 3, 'queued')].map((number) => String(number.phoneNumberId));
		const answers = await Promise.all(['get', 'readiness', 'get', 'readiness'].map((workflow) => world.fire(`${workflow}-${kind}`, ids)));
		for (const answer of answers) {
			expect(answer.map((item) => item.error)).toEqual(ids.map(() => undefined));
			expect(answer.map((item) => item.phoneNumberId)).toEqual(ids);
		}
		expect(answers[1][1]).toMatchObject({ phoneNumberId: 'waba-num-002', ready: false, action: 'wait' });
		const details = sandbox.requests.slice(from).filter((r) => r.endpoint === 'detail');
		// Exactly once: one accepted request per item; what the API refused was retried, not lost.
		expect(details.filter((r) => r.status === 200)).toHaveLength(4 * ITEMS);
		expect(details.filter((r) => r.status === 429).length).toBeLessThanOrEqual(Math.ceil(0.05 * details.length));
	});

	it('the executions ran on both workers', () => {
		const started = world.queue.countInWorkerLogs(/Worker started execution/);
		expect(started).toHaveLength(2);
		for (const count of started) expect(count).toBeGreaterThan(0);
	});

	it('the trigger runs on main: a change arrives once, and once more after main restarts between two polls', async () => {
		const { main } = world.queue;
		const sandbox = world.sandboxes.lenient;
		// main polled once at activation: the snapshot the changes are measured against.
		expect(sandbox.count('list')).toBeGreaterThan(0);
		sandbox.updateNumber('waba-num-002', { status: 'ACTIVE' });
		const [first] = await main.waitForExecutions(TRIGGER_ID, { min: 1, timeoutMs: 150_000 });
		const events = (execution: any) =>
			execution.data.resultData.runData['Number changed'][0].data.main[0].map((item: any) => [item.json.event, item.json.phoneNumberId]);
		expect(events(first)).toEqual([['statusChanged', 'waba-num-002']]);

		await main.stop();
		sandbox.updateNumber('waba-num-003', { qualityRating: 'YELLOW' });
		await world.queue.startMain();
		const polled = sandbox.count('list');
		const afterRestart = await main.waitForExecutions(TRIGGER_ID, { min: 2, timeoutMs: 150_000 });
		expect(events(afterRestart[1])).toEqual([['qualityRatingChanged', 'waba-num-003']]);
		// One more poll after the one that emitted: nothing new, nothing twice.
		const deadline = Date.now() + 150_000;
		while (sandbox.count('list') < polled + 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(sandbox.count('list')).toBeGreaterThanOrEqual(polled + 2);
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		expect(await main.waitForExecutions(TRIGGER_ID, { min: 2 })).toHaveLength(2);
	});

	it('the API key is in no answer, no execution and no log line of main or the workers', async () => {
		const logs = [
			readFileSync(join(world.queue.main.userFolder, 'n8n-server.log'), 'utf8'),
			...world.queue.workers.map((worker) => readFileSync(worker.logFile, 'utf8')),
		];
		const executions = JSON.stringify(await world.queue.main.api('GET', '/api/v1/executions?includeData=true&limit=250'));
		for (const { apiKey } of Object.values(CREDENTIALS)) {
			for (const text of [...logs, executions]) expect(text).not.toContain(apiKey);
		}
		expect(logs.join('\n')).toMatch(/Worker started execution/);
	});
});
