import { sleep } from 'n8n-workflow';

import { generateNumbers } from '../sandbox/data';
import { createPoller } from '../harness/engine';
import { capturedLogLines, customPlanCredentials, useSandbox } from '../harness/fixtures';

/**
 * The poll's budget under n8n's durable scheduler (getPollBudgetMs): a poll that cannot read everything in
 * time stops within it, keeps the stored state, and the next poll reports the change once.
 */
describe('Agile Telecom WhatsApp Trigger: the poll budget', () => {
	const { sandbox } = useSandbox();
	const events = (items: Array<{ json: Record<string, unknown> }> | null) =>
		(items ?? []).map((i) => `${String(i.json.event)}:${String(i.json.phoneNumberId)}`);
	let keys = 0;
	/** 1,000 numbers (10 list pages) on a plan of 2 requests per second: a full read takes about 4.5 s. */
	const tightPoller = async (workflowId: string) => {
		sandbox().numbers = generateNumbers(1000);
		const credentials = customPlanCredentials(sandbox(), `budget-key-${++keys}`, { perSecond: 2, perMinute: 120 });
		const poller = await createPoller({} as never, credentials, `cred-budget-${keys}`, { mode: 'scheduler', workflowId });
		await poller.poll(); // activation poll
		expect(events(await poller.poll())).toEqual(['stateReset:null']); // n8n 2.41.1 dropped the activation baseline
		return poller;
	};
	const timed = async <T>(work: () => Promise<T>) => {
		const started = Date.now();
		const result = await work();
		return { result, ms: Date.now() - started };
	};
	const budgetWarnings = async (workflowId: string) => {
		const lines = () =>
			capturedLogLines().filter((line) => line.includes('within its budget') && line.includes(`"workflowId":"${workflowId}"`));
		for (let waited = 0; lines().length === 0 && waited < 2000; waited += 50) await sleep(50);
		return lines();
	};

	it('a 1,000-number account on a tight plan with a 1.5 s budget: the poll stops in time, the state is kept, the next poll carries on', async () => {
		const poller = await tightPoller('wf-budget-1');
		const committed = JSON.stringify(poller.staticData());
		sandbox().updateNumber('gen-000999', { status: 'FLAGGED' });

		poller.setBudgetMs(1_500);
		const cut = await timed(() => poller.poll());
		expect(cut.result).toBeNull();
		expect(cut.ms).toBeLessThan(1_500 + 1_000);
		expect(JSON.stringify(poller.staticData())).toBe(committed);
		const [warning] = await budgetWarnings('wf-budget-1');
		expect(warning).toContain('"level":"warn"');
		expect(warning).toContain('the stored state is unchanged');

		poller.setBudgetMs(36_000);
		const full = await timed(() => poller.poll());
		expect(events(full.result)).toEqual(['statusChanged:gen-000999']);
		expect(await poller.poll()).toBeNull();
		console.log(`budget 1.5 s: poll cut after ${cut.ms} ms; the full read took ${full.ms} ms`);
	}, 60_000);

	it('429 backpressure with a Retry-After past the budget ends the poll at once, state kept', async () => {
		const poller = await tightPoller('wf-budget-2');
		const committed = JSON.stringify(poller.staticData());
		sandbox().updateNumber('gen-000001', { qualityRating: 'YELLOW' });
		sandbox().inject({ type: 'rateLimit', retryAfter: 30 }, 1);

		poller.setBudgetMs(5_000);
		const cut = await timed(() => poller.poll());
		expect(cut.result).toBeNull();
		expect(cut.ms).toBeLessThan(5_000 + 1_000);
		expect(JSON.stringify(poller.staticData())).toBe(committed);

		poller.setBudgetMs(36_000);
		expect(events(await poller.poll())).toEqual(['qualityRatingChanged:gen-000001']);
		console.log(`429 with Retry-After 30 s under a 5 s budget: poll ended after ${cut.ms} ms`);
	}, 90_000);
});
