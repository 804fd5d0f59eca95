import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { SANDBOX_API_KEY } from '../sandbox/server';
import { runActionNode } from '../harness/engine';
import { customPlanCredentials, expectNoSecret, getParams, useSandbox } from '../harness/fixtures';

/**
 * The limiter, end to end: the sandbox enforces a small custom plan and answers 429 above it.
 * Counts, not timings, are asserted (speed is measured by `npm run bench:limits`). The sandbox shares
 * the test's event loop, so under CPU load it may see a request late and count two pacing windows as
 * one: a stray 429 is tolerated (and retried), a flood is not; the last test shows what a flood is.
 */
const STRAY_429S = 6;
describe('requests stay under the plan across items and concurrent executions', () => {
	const { sandbox } = useSandbox({ rateLimit: { perSecond: 5, perMinute: 1000 } });
	// Each test uses its own key: the sandbox counts per key, the node paces per credential.
	// Distinct numbers: items naming the same number share one read, which would leave nothing to pace.
	const distinctIds = (count: number) => generateNumbers(count, 'paced').map((n) => ({ id: String(n.phoneNumberId) }));
	beforeEach(() => {
		sandbox().numbers = [...uc025Numbers(), ...generateNumbers(30, 'paced')];
	});
	const custom = (apiKey: string) => customPlanCredentials(sandbox(), apiKey, { perSecond: 5, perMinute: 1000 });

	it('30 items through Get: paced (at most a stray 429), every item answered in order', async () => {
		const items = distinctIds(30);
		const result = await runActionNode({
			parameters: getParams('={{ $json.id }}'),
			credentials: custom('key-for-limiter-a'),
			items,
			credentialId: 'limiter-a',
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.phoneNumberId)).toEqual(items.map((i) => i.id));
		expect(sandbox().requests.filter((r) => r.status === 429).length).toBeLessThanOrEqual(STRAY_429S);
		// The sandbox accepted no one-second window above the plan.
		const accepted = sandbox()
			.requests.filter((r) => r.status === 200)
			.map((r) => r.at);
		const busiest = Math.max(...accepted.map((t) => accepted.filter((u) => u >= t && u < t + 1000).length));
		expect(busiest).toBeLessThanOrEqual(5);
		expectNoSecret(result, 'key-for-limiter-a');
	});

	it('two executions at once with the same credential share one budget', async () => {
		const items = distinctIds(12);
		const [a, b] = await Promise.all([
			runActionNode({
				parameters: getParams('={{ $json.id }}'),
				credentials: custom('key-for-limiter-b'),
				items,
				credentialId: 'limiter-b',
			}),
			runActionNode({
				parameters: getParams('={{ $json.id }}'),
				credentials: custom('key-for-limiter-b'),
				items,
				credentialId: 'limiter-b',
			}),
		]);
		expect(a.items).toHaveLength(12);
		expect(b.items).toHaveLength(12);
		expect(sandbox().requests.filter((r) => r.status === 429).length).toBeLessThanOrEqual(STRAY_429S);
	});

	it('without a fitting plan the API answers 429s, and the node retries them so no item is lost', async () => {
		const items = distinctIds(15);
		const production = { apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl };
		const result = await runActionNode({
			parameters: getParams('={{ $json.id }}'),
			credentials: production,
			items,
			credentialId: 'limiter-c',
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(15);
		// 15 at once against 5 per second: the API refuses some. A 429 tells the pacer the API's second is
		// full, so it stops short of a flood, but the refusal itself cannot be avoided.
		expect(sandbox().requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
	});
});
