import { generateNumbers, LIST_FIELDS, uc025Numbers } from '../sandbox/data';
import { runActionNode } from '../harness/engine';
import { expectNoSecret, ids, listParams, useSandbox } from '../harness/fixtures';

describe('List through the engine', () => {
	const { sandbox, credentials } = useSandbox();
	const run = (parameters = listParams()) => runActionNode({ parameters, credentials: credentials() });

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it("outputs one item per number with the API's fields unchanged plus the tier's capacity", async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(ids(result)).toEqual(['waba-num-001', 'waba-num-002', 'waba-num-003']);
		// The first number as the list endpoint serves it (its TIER_10K allows 10,000 recipients).
		const [first] = sandbox().numbers;
		const listed = Object.fromEntries(LIST_FIELDS.filter((field) => field in first).map((field) => [field, first[field]]));
		expect(result.items[0].json).toEqual({ ...listed, messagingLimitCapacity: 10000, messagingLimitUnlimited: false });
		expect(result.items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		expectNoSecret(result);
	});

	it('sends page and limit on every request', async () => {
		await run();
		expect(sandbox().requests.map((r) => r.query)).toEqual([{ page: '0', limit: '50' }]);
	});

	it.each([
		[{ status: ['ACTIVE'] }, ['waba-num-001', 'waba-num-003']],
		[{ status: ['PENDING'] }, ['waba-num-002']],
		[{ status: ['PENDING', 'ACTIVE'] }, ['waba-num-001', 'waba-num-002', 'waba-num-003']],
		[{ qualityRating: ['UNKNOWN'] }, ['waba-num-002']],
		[{ qualityRating: ['GREEN'] }, ['waba-num-001', 'waba-num-003']],
		[{ qualityRating: ['RED'] }, []],
		[{ minMessagingLimit: 'TIER_10K' }, ['waba-num-001', 'waba-num-003']],
		[{ minMessagingLimit: 'TIER_100K' }, ['waba-num-003']],
		[{ minMessagingLimit: 'UNLIMITED' }, []],
		[{ minMessagingLimit: 'TIER_50' }, ['waba-num-001', 'waba-num-002', 'waba-num-003']],
		[{ status: ['ACTIVE'], qualityRating: ['GREEN'], minMessagingLimit: 'TIER_100K' }, ['waba-num-003']],
		[{ status: ['PENDING'], minMessagingLimit: 'TIER_10K' }, []],
		[
			{ status: ['ACTIVE', 'PENDING'], qualityRating: ['GREEN', 'UNKNOWN'], minMessagingLimit: 'TIER_1K' },
			['waba-num-001', 'waba-num-002', 'waba-num-003'],
		],
	])('filters %j → %j', async (filters, expected) => {
		const result = await run(listParams({ filters }));
		expect(result.error).toBeUndefined();
		expect(ids(result)).toEqual(expected);
	});

	it('never lets a missing, unset or unknown tier pass a minimum-tier filter, and never fails on it', async () => {
		sandbox().numbers = [
			{ phoneNumberId: 'no-tier', status: 'ACTIVE' },
			{ phoneNumberId: 'not-set', status: 'ACTIVE', messagingLimit: 'TIER_NOT_SET' },
			{ phoneNumberId: 'odd', status: 'ACTIVE', messagingLimit: 'TIER_3K' },
			{ phoneNumberId: 'unl', status: 'ACTIVE', messagingLimit: 'TIER_UNLIMITED' },
			{ phoneNumberId: 'small', status: 'ACTIVE', messagingLimit: 'TIER_250' },
		];
		const filtered = await run(listParams({ filters: { minMessagingLimit: 'TIER_250' } }));
		expect(ids(filtered)).toEqual(['unl', 'small']);
		const all = await run();
		expect(all.items.map((i) => [i.json.messagingLimitCapacity, i.json.messagingLimitUnlimited])).toEqual([
			[null, false],
			[null, false],
			[null, false],
			[null, true],
			[250, false],
		]);
	});

	describe('paging over 250 numbers', () => {
		beforeEach(() => {
			sandbox().numbers = generateNumbers(250);
		});

		it('Return All reads every page and stops on the last (short) page', async () => {
			const result = await run(listParams({ returnAll: true }));
			expect(result.items).toHaveLength(250);
			expect(ids(result)).toEqual(sandbox().numbers.map((n) => n.phoneNumberId));
			expect(sandbox().requests.map((r) => r.query.page)).toEqual(['0', '1', '2']);
			expect(sandbox().requests.every((r) => r.query.limit === '100')).toBe(true);
		});

		it('stops once it holds total numbers, without asking for an empty page', async () => {
			sandbox().numbers = generateNumbers(200);
			const result = await run(listParams({ returnAll: true }));
			expect(result.items).toHaveLength(200);
			expect(sandbox().count()).toBe(2);
		});

		it('with a limit and no filters asks for no more than the limit', async () => {
			const result = await run(listParams({ limit: 5 }));
			expect(result.items).toHaveLength(5);
			expect(sandbox().requests.map((r) => r.query)).toEqual([{ page: '0', limit: '5' }]);
		});

		it('with filters, the limit counts matching numbers across pages and reading stops once it has them', async () => {
			const matching = sandbox()
				.numbers.filter((n) => n.status === 'PENDING')
				.map((n) => n.phoneNumberId);
			const result = await run(listParams({ limit: 30, filters: { status: ['PENDING'] } }));
			expect(ids(result)).toEqual(matching.slice(0, 30));
			expect(result.items.every((i) => i.json.status === 'PENDING')).toBe(true);
			// 250 numbers, a sixth PENDING: 30 matches need the second page, not the third.
			expect(sandbox().requests.map((r) => r.query.page)).toEqual(['0', '1']);
		});

		it('returns fewer than the limit when fewer numbers match', async () => {
			const result = await run(listParams({ limit: 500, filters: { qualityRating: ['RED'], status: ['FLAGGED'] } }));
			const expected = sandbox().numbers.filter((n) => n.qualityRating === 'RED' && n.status === 'FLAGGED');
			expect(result.items).toHaveLength(expected.length);
			expect(sandbox().count()).toBe(3);
		});

		it('keeps paging correctly when the server caps the page size below what was asked', async () => {
			sandbox().maxPageSize = 40;
			try {
				const result = await run(listParams({ returnAll: true }));
				expect(ids(result)).toEqual(sandbox().numbers.map((n) => n.phoneNumberId));
				expect(sandbox().requests.map((r) => `${r.query.page}/${r.query.limit}`)).toEqual([
					'0/100',
					'1/40',
					'2/40',
					'3/40',
					'4/40',
					'5/40',
					'6/40',
				]);
			} finally {
				sandbox().maxPageSize = 500;
			}
		});

		it('takes a whole list in one response when the server ignores paging', async () => {
			sandbox().ignorePaging = true;
			try {
				const result = await run(listParams({ returnAll: true }));
				expect(result.items).toHaveLength(250);
				expect(sandbox().count()).toBe(1);
			} finally {
				sandbox().ignorePaging = false;
			}
		});
	});

	it('gives each input item its own list, paired to it', async () => {
		const result = await runActionNode({
			parameters: listParams({ filters: { status: ['ACTIVE'] } }),
			credentials: credentials(),
			items: [{ a: 1 }, { a: 2 }],
		});
		expect(ids(result)).toEqual(['waba-num-001', 'waba-num-003', 'waba-num-001', 'waba-num-003']);
		expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 0, 1, 1]);
	});
});
