import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { SANDBOX_API_KEY } from '../sandbox/server';
import { runActionNode, type RunResult } from '../harness/engine';
import { chooseParams, expectNoSecret, getParams, ids, listParams, readinessParams, useSandbox } from '../harness/fixtures';

/** Every API fault the node must handle (HTTP errors, timeouts, malformed bodies), each through the engine against the sandbox; the key is checked after every run. */
describe('faults and bad input', () => {
	const { sandbox, credentials } = useSandbox();
	let result: RunResult | undefined;
	const run = async (parameters: Record<string, unknown>, extra: Partial<Parameters<typeof runActionNode>[0]> = {}) => {
		result = await runActionNode({ parameters: parameters as never, credentials: credentials(), ...extra });
		return result;
	};

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
		result = undefined;
	});
	afterEach(() => {
		if (result) expectNoSecret(result);
	});

	it('rides out a 429 storm: every item succeeds, in order', async () => {
		sandbox().inject({ type: 'rateLimit', retryAfter: 1 }, 3, 'detail');
		const items = Array.from({ length: 6 }, (_, i) => ({ id: `waba-num-00${(i % 3) + 1}` }));
		const { items: out, error } = await run(getParams('={{ $json.id }}'), { items });
		expect(error).toBeUndefined();
		expect(out.map((i) => i.json.phoneNumberId)).toEqual(items.map((i) => i.id));
		expect(sandbox().requests.filter((r) => r.status === 429)).toHaveLength(3);
	});

	it('retries a 5xx once, then succeeds (List)', async () => {
		sandbox().inject({ type: 'status', status: 503 }, 1);
		expect(ids(await run(listParams()))).toEqual(['waba-num-001', 'waba-num-002', 'waba-num-003']);
		expect(sandbox().requests.map((r) => r.status)).toEqual([503, 200]);
	});

	it('retries a connection dropped mid-body', async () => {
		sandbox().inject({ type: 'dropMidBody' }, 1);
		expect(ids(await run(listParams()))).toHaveLength(3);
		expect(sandbox().count()).toBe(2);
	});

	it('retries a connection dropped before any answer', async () => {
		sandbox().inject({ type: 'drop' }, 2);
		expect(ids(await run(getParams('waba-num-001')))).toEqual(['waba-num-001']);
		expect(sandbox().count()).toBe(3);
	});

	it('fails truncated JSON clearly, without retrying it', async () => {
		sandbox().inject({ type: 'truncated' }, 1);
		const { error } = await run(listParams());
		expect(error?.message).toBe(
			'The API answered HTTP 200 with a body that is not valid JSON (cut off?); expected {"phoneNumbers": [...], "total": N} [item 0]',
		);
		expect(sandbox().count()).toBe(1);
	});

	it('fails an empty 200 body clearly', async () => {
		sandbox().inject({ type: 'empty' }, 1);
		const { error } = await run(getParams('waba-num-001'));
		expect(error?.message).toMatch(/^The API answered HTTP 200 with an empty body; expected a phone number object/);
	});

	it('fails a list body of the wrong shape clearly', async () => {
		sandbox().inject({ type: 'body', body: JSON.stringify({ numbers: [] }) }, 1);
		const { error } = await run(listParams());
		expect(error?.message).toMatch(/JSON of an unexpected shape; expected \{"phoneNumbers"/);
	});

	it('keeps going over list items with missing or wrongly typed fields, and reports what it could not read', async () => {
		sandbox().numbers = [
			{ phoneNumberId: 'ok', status: 'ACTIVE', qualityRating: 'GREEN', messagingLimit: 'TIER_1K' },
			{ phoneNumberId: 42, status: null, qualityRating: 7, messagingLimit: 'TIER_MEGA' } as never,
			{ status: 'ACTIVE' } as never,
			'not a number' as never,
			null as never,
			{ phoneNumberId: 'ok2', status: 'SUSPENDED_FOREVER', qualityRating: 'GREEN', messagingLimit: 'UNLIMITED' },
		];
		const { items, error } = await run(listParams());
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.phoneNumberId)).toEqual(['ok', 42, undefined, 'ok2']);
		expect(items[0].json.dataWarnings).toBeUndefined();
		expect(items[1].json.dataWarnings).toEqual([
			'status is missing',
			'qualityRating is not text (7)',
			'messagingLimit TIER_MEGA is not a known value',
		]);
		expect(items[2].json.dataWarnings).toEqual(['phoneNumberId is missing', 'qualityRating is missing', 'messagingLimit is missing']);
		expect(items[3].json.dataWarnings).toEqual(['status SUSPENDED_FOREVER is not a known value']);
		expect(items[1].json).toMatchObject({ status: null, qualityRating: 7, messagingLimitCapacity: null });

		const filtered = await run(listParams({ filters: { status: ['ACTIVE'], minMessagingLimit: 'TIER_50' } }));
		expect(ids(filtered)).toEqual(['ok']);
		const readiness = await run(readinessParams('42', 10));
		expect(readiness.items[0].json).toMatchObject({ ready: false, action: 'contactSupport' });
		const choice = await run(chooseParams(10));
		expect(ids(choice)).toEqual(['ok']);
	});

	it('reads 10,000 numbers sent in one response', async () => {
		sandbox().numbers = generateNumbers(10_000);
		sandbox().ignorePaging = true;
		try {
			const { items } = await run(listParams({ returnAll: true }));
			expect(items).toHaveLength(10_000);
			expect(sandbox().count()).toBe(1);
		} finally {
			sandbox().ignorePaging = false;
		}
	});

	it.each([
		['/', 'a%2Fb', 'a/b'],
		['?', 'a%3Fb', 'a?b'],
		['#', 'a%23b', 'a#b'],
		['%', 'a%25b', 'a%b'],
		['..', '..%2F..%2Fphone-numbers', '../../phone-numbers'],
		['spaces', 'a%20b%20c', 'a b c'],
		['unicode', '%E2%9C%93-%F0%9F%93%9E-%E4%B8%AD', '✓-📞-中'],
		['2,000 characters', 'x'.repeat(2000), 'x'.repeat(2000)],
	])('sends an ID with %s as one encoded path segment, never another endpoint', async (_label, segment, id) => {
		sandbox().numbers.push({ phoneNumberId: id, status: 'ACTIVE' });
		expect(ids(await run(getParams(id)))).toEqual([id]);
		expect(sandbox().requests.map((r) => [r.endpoint, r.path])).toEqual([
			['detail', `/api/message-server/whatsapp/phone-numbers/${segment}`],
		]);
	});

	it.each([
		['a trailing slash', (base: string) => `${base}/`],
		['trailing slashes and /api', (base: string) => `${base}//api/`],
		['surrounding spaces', (base: string) => `  ${base}  `],
	])('accepts a base URL with %s', async (_label, shape) => {
		const baseUrl = shape(sandbox().baseUrl);
		result = await runActionNode({ parameters: listParams(), credentials: { apiKey: SANDBOX_API_KEY, baseUrl } });
		expect(ids(result)).toHaveLength(3);
		expect(sandbox().requests[0].path).toBe('/api/message-server/whatsapp/phone-numbers');
	});

	it('accepts a base URL with a path (a proxy prefix) over http://', async () => {
		sandbox().pathPrefix = '/agile';
		try {
			const baseUrl = `${sandbox().baseUrl}/agile/`;
			expect(baseUrl.startsWith('http://')).toBe(true);
			result = await runActionNode({ parameters: getParams('waba-num-001'), credentials: { apiKey: SANDBOX_API_KEY, baseUrl } });
			expect(ids(result)).toEqual(['waba-num-001']);
			expect(sandbox().requests[0].path).toBe('/agile/api/message-server/whatsapp/phone-numbers/waba-num-001');
		} finally {
			sandbox().pathPrefix = '';
		}
	});
});
