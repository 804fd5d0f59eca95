import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { ApiSandbox, type RecordedRequest, SANDBOX_API_KEY } from '../sandbox/server';
import { runInProcesses } from '../harness/processes';
import { runActionNode } from '../harness/engine';
import { capturedLogLines, customPlanCredentials, expectNoSecret, getParams, readinessParams } from '../harness/fixtures';

/**
 * One key shared by several n8n processes (as queue-mode workers share it), each with its own pacer and
 * no channel between them but the API's answers. Counts are asserted, not timings (`npm run
 * bench:processes` and `npm run bench:queue` measure speed). The processes share the machine's CPU with
 * the sandbox, so a stray 429 is tolerated; a flood (hundreds, as before the pacers shared the key) is not.
 */
const PLAN = { perSecond: 10, perMinute: 150 };
const STRAY_429S = 4;

/** The busiest one-second window of accepted requests, as the sandbox counted them. */
function busiestSecond(requests: RecordedRequest[]): number {
	const accepted = requests.filter((r) => r.status !== 429).map((r) => r.at);
	return Math.max(0, ...accepted.map((t) => accepted.filter((u) => u >= t && u < t + 1000).length));
}

describe.each([
	['counts only the requests it accepts', false],
	['also counts the requests it rejects', true],
])('two processes, one key, an API that %s', (_kind, countRejected) => {
	let sandbox: ApiSandbox;
	beforeAll(async () => {
		sandbox = new ApiSandbox({ numbers: [...uc025Numbers(), ...generateNumbers(25, 'paced')], rateLimit: PLAN, countRejected });
		await sandbox.start();
	});
	afterAll(async () => sandbox.stop());

	it('3 executions × 25 items split over 2 processes: every item answered once, in order, paired; the plan held', async () => {
		const apiKey = `key-shared-by-processes-${String(countRejected)}`;
		const credentials = customPlanCredentials(sandbox, apiKey, PLAN);
		// A number per item: items naming the same number share one read per run, which would leave nothing to pace.
		const items = generateNumbers(25, 'paced').map((number) => ({ id: String(number.phoneNumberId) }));
		const { outcomes } = await runInProcesses([
			{ credentials, credentialId: 'shared', parameters: getParams('={{ $json.id }}'), executions: [items, items] },
			{ credentials, credentialId: 'shared', parameters: readinessParams('={{ $json.id }}', 10), executions: [items] },
		]);
		for (const execution of outcomes.flat()) {
			expect(execution.error).toBeUndefined();
			expect(execution.items.map((item) => item.error)).toEqual(items.map(() => undefined));
			expect(execution.paired).toEqual(items.map((_, index) => index));
		}
		expect(outcomes[0].flatMap((execution) => execution.items.map((item) => item.phoneNumberId))).toEqual(
			[...items, ...items].map((i) => i.id),
		);
		expect(outcomes[1][0].items.map((item) => item.phoneNumberId)).toEqual(items.map((i) => i.id));
		const rejected = sandbox.requests.filter((r) => r.status === 429).length;
		expect(rejected).toBeLessThanOrEqual(STRAY_429S);
		expect(sandbox.requests.filter((r) => r.status === 200)).toHaveLength(75);
		expect(busiestSecond(sandbox.requests)).toBeLessThanOrEqual(PLAN.perSecond);
		expect(JSON.stringify(outcomes)).not.toContain(apiKey);
		expect(capturedLogLines().join('\n')).not.toContain(apiKey);
	});
});

describe('another client on the same key', () => {
	let sandbox: ApiSandbox;
	beforeAll(async () => {
		sandbox = new ApiSandbox({ numbers: [...uc025Numbers(), ...generateNumbers(40, 'paced')], rateLimit: PLAN });
		await sandbox.start();
	});
	afterAll(async () => sandbox.stop());

	it('leaves room for a script that takes half the plan: few 429s, nothing lost', async () => {
		const apiKey = 'key-shared-with-a-script';
		const credentials = customPlanCredentials(sandbox, apiKey, PLAN);
		// The script: 5 requests a second, evenly, while the node runs.
		let running = true;
		const script = (async () => {
			let sent = 0;
			while (running) {
				await fetch(`${sandbox.baseUrl}/api/message-server/whatsapp/phone-numbers/waba-num-001`, { headers: { 'X-Api-Key': apiKey } });
				sent++;
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			return sent;
		})();
		const items = generateNumbers(40, 'paced').map((number) => ({ id: String(number.phoneNumberId) }));
		const result = await runActionNode({
			parameters: getParams('={{ $json.id }}'),
			credentials,
			items,
			onError: 'continueRegularOutput',
			credentialId: 'with-script',
		});
		running = false;
		expect(await script).toBeGreaterThan(0);
		expect(result.items.map((item) => item.json.phoneNumberId)).toEqual(items.map((i) => i.id));
		// Without reading the others' use from the API's header the node would take the whole plan and
		// the script's and the node's requests together would be refused by the dozen.
		expect(sandbox.requests.filter((r) => r.status === 429).length).toBeLessThanOrEqual(STRAY_429S);
		expectNoSecret(result, apiKey);
	});
});

describe('a 429 is backpressure, not a failure', () => {
	let sandbox: ApiSandbox;
	beforeAll(async () => {
		sandbox = new ApiSandbox();
		await sandbox.start();
	});
	afterAll(async () => sandbox.stop());

	it('rides out more 429s in a row than the attempts allowed for server errors', async () => {
		sandbox.inject({ type: 'rateLimit', retryAfter: 1 }, 6);
		const result = await runActionNode({
			parameters: getParams('waba-num-001'),
			credentials: { apiKey: SANDBOX_API_KEY, baseUrl: sandbox.baseUrl },
			credentialId: 'storm',
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.phoneNumberId).toBe('waba-num-001');
		expect(sandbox.requests.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429, 200]);
	});
});
