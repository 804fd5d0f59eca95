import { uc025Numbers } from '../sandbox/data';
import { runActionNode } from '../harness/engine';
import { byId, chooseParams, expectNoSecret, ids, readinessParams, useSandbox } from '../harness/fixtures';

const base = {
	phoneNumberId: 'n',
	phoneNumber: '+390200000000',
	displayName: 'Brand',
	verifiedName: 'Brand S.r.l.',
	qualityRating: 'GREEN',
	status: 'ACTIVE',
	messagingLimit: 'TIER_10K',
	platform: 'CLOUD_API',
	nameStatus: 'APPROVED',
	accountMode: 'LIVE',
};

describe('Check Readiness through the engine', () => {
	const { sandbox, credentials } = useSandbox();
	const check = (id: string, recipients: number, extra = {}) =>
		runActionNode({ parameters: readinessParams(id, recipients, extra), credentials: credentials() });
	const withNumber = (patch: Record<string, unknown>) => {
		sandbox().numbers = [{ ...base, ...patch }];
	};

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('outputs the details unchanged plus ready, reasons and action, from one request', async () => {
		const result = await check('waba-num-001', 5000, { simplify: false });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			...uc025Numbers()[0],
			messagingLimitCapacity: 10000,
			messagingLimitUnlimited: false,
			ready: true,
			reasons: [],
			action: 'send',
		});
		expect(sandbox().count()).toBe(1);
		expectNoSecret(result);
	});

	it('TIER_1K cannot take 5,000 recipients', async () => {
		withNumber({ messagingLimit: 'TIER_1K' });
		const { json } = (await check('n', 5000)).items[0];
		expect(json.ready).toBe(false);
		expect(json.reasons).toEqual(['Messaging limit TIER_1K allows 1,000 unique recipients per 24 h; the campaign needs 5,000']);
		expect(json.action).toBe('send');
	});

	it.each([
		[{ status: 'PENDING' }, /^Status is PENDING: onboarding with Meta is not finished/, 'wait'],
		[{ status: 'FLAGGED' }, /^Status is FLAGGED: the number cannot send; contact Agile Telecom support/, 'contactSupport'],
		[{ qualityRating: 'RED' }, /^Quality rating is RED; the campaign requires GREEN$/, 'send'],
		[{ qualityRating: 'YELLOW' }, /^Quality rating is YELLOW; the campaign requires GREEN$/, 'send'],
		[{ qualityRating: 'UNKNOWN' }, /^Quality rating is UNKNOWN \(not rated by Meta yet\)/, 'send'],
		[{ messagingLimit: 'TIER_250' }, /^Messaging limit TIER_250 allows 250 unique recipients per 24 h; the campaign needs 1,500$/, 'send'],
		[{ messagingLimit: 'TIER_NOT_SET' }, /^Messaging limit TIER_NOT_SET is not a known tier/, 'send'],
		[{ messagingLimit: 'TIER_7K' }, /^Messaging limit TIER_7K is not a known tier/, 'send'],
		[{ messagingLimit: undefined }, /^Messaging limit missing is not a known tier/, 'send'],
		[{ accountMode: 'SANDBOX' }, /^Account mode is SANDBOX/, 'send'],
	])('fails %j alone with one reason citing fact and threshold', async (patch, reason, action) => {
		withNumber(patch);
		const { json } = (await check('n', 1500)).items[0];
		expect(json.ready).toBe(false);
		expect(json.reasons).toEqual([expect.stringMatching(reason)]);
		expect(json.action).toBe(action);
	});

	it.each([
		['TIER_2K', 2000, true],
		['TIER_2K', 2001, false],
		['TIER_UNLIMITED', 5_000_000, true],
		['UNLIMITED', 5_000_000, true],
	])('%s for %d recipients: ready = %p', async (tier, recipients, ready) => {
		withNumber({ messagingLimit: tier });
		expect((await check('n', recipients)).items[0].json.ready).toBe(ready);
	});

	it('lists several failed checks together, in order', async () => {
		withNumber({ status: 'PENDING', qualityRating: 'UNKNOWN', messagingLimit: 'TIER_1K', accountMode: 'SANDBOX' });
		const { json } = (await check('n', 5000)).items[0];
		expect(json.ready).toBe(false);
		expect(json.action).toBe('wait');
		expect((json.reasons as string[]).map((r) => r.split(' ').slice(0, 2).join(' '))).toEqual([
			'Status is',
			'Quality rating',
			'Messaging limit',
			'Account mode',
		]);
	});

	it('accepts YELLOW when the minimum is GREEN or YELLOW, never RED or UNKNOWN', async () => {
		for (const [quality, ready] of [
			['YELLOW', true],
			['GREEN', true],
			['RED', false],
			['UNKNOWN', false],
		] as const) {
			withNumber({ qualityRating: quality });
			expect((await check('n', 10, { minQualityRating: 'YELLOW' })).items[0].json.ready).toBe(ready);
		}
	});

	it('answers each input item on its own, in order', async () => {
		const result = await runActionNode({
			parameters: readinessParams('={{ $json.id }}', '={{ $json.recipients }}' as never),
			credentials: credentials(),
			items: [
				{ id: 'waba-num-001', recipients: 5000 },
				{ id: 'waba-num-002', recipients: 10 },
				{ id: 'waba-num-001', recipients: 50000 },
				{ id: 'waba-num-003', recipients: 50000 },
			],
		});
		expect(result.items.map((i) => [i.json.phoneNumberId, i.json.ready, i.json.action])).toEqual([
			['waba-num-001', true, 'send'],
			['waba-num-002', false, 'wait'],
			['waba-num-001', false, 'send'],
			['waba-num-003', true, 'send'],
		]);
		expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3]);
	});

	it('turns a 404 ID into an error item under On Error: Continue', async () => {
		const result = await runActionNode({
			parameters: readinessParams('={{ $json.id }}', 100),
			credentials: credentials(),
			items: [{ id: 'waba-num-999' }, { id: 'waba-num-001' }],
			onError: 'continueRegularOutput',
		});
		expect(result.items.map((i) => i.json.error ?? i.json.ready)).toEqual(['Phone number not found: waba-num-999 [item 0]', true]);
	});

	it.each([0, -5, 2.5])('rejects %p recipients with a clear message', async (recipients) => {
		const result = await runActionNode({
			parameters: { ...readinessParams('waba-num-001', 1), recipients: `={{ ${recipients} }}` },
			credentials: credentials(),
		});
		expect(result.error?.message).toMatch(/Recipients must be a whole number of at least 1/);
		expect(sandbox().count()).toBe(0);
	});
});

describe('Choose for Campaign through the engine', () => {
	const { sandbox, credentials } = useSandbox();
	const choose = (recipients: number, extra = {}, items?: Array<Record<string, string>>, onError?: 'continueRegularOutput') =>
		runActionNode({ parameters: chooseParams(recipients, extra), credentials: credentials(), items, onError });

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('picks the best fitting number: quality first, then capacity, and adds the readiness fields', async () => {
		const result = await choose(5000);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({
			phoneNumberId: 'waba-num-003',
			messagingLimitCapacity: 100000,
			ready: true,
			reasons: [],
			action: 'send',
		});
		expectNoSecret(result);
	});

	it('picks the brand by display or verified name, case-insensitively', async () => {
		expect(ids(await choose(5000, { nameContains: 'shopitalia s.r.l' }))).toEqual(['waba-num-003']);
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE', qualityRating: 'GREEN' });
		expect(ids(await choose(500, { nameContains: 'SPORTZONE' }))).toEqual(['waba-num-002']);
	});

	it('reads the list in one paged read, never number by number', async () => {
		sandbox().numbers = Array.from({ length: 230 }, (_, i) => ({
			...base,
			phoneNumberId: `n${i}`,
			messagingLimit: i === 170 ? 'UNLIMITED' : 'TIER_1K',
		}));
		const result = await choose(50000);
		expect(ids(result)).toEqual(['n170']);
		expect(sandbox().requests.map((r) => `${r.endpoint}:${r.query.page}`)).toEqual(['list:0', 'list:1', 'list:2']);
	});

	it('prefers GREEN over YELLOW even with less capacity, and keeps the API order on ties', async () => {
		sandbox().numbers = [
			{ ...base, phoneNumberId: 'yellow-unlimited', qualityRating: 'YELLOW', messagingLimit: 'UNLIMITED' },
			{ ...base, phoneNumberId: 'green-2k-a', messagingLimit: 'TIER_2K' },
			{ ...base, phoneNumberId: 'green-2k-b', messagingLimit: 'TIER_2K' },
		];
		expect(ids(await choose(1000, { minQualityRating: 'YELLOW' }))).toEqual(['green-2k-a']);
		expect(ids(await choose(5000, { minQualityRating: 'YELLOW' }))).toEqual(['yellow-unlimited']);
	});

	it('fails naming each candidate and why, when no number fits', async () => {
		const result = await choose(200000);
		expect(result.error?.message).toMatch(/^No number fits a campaign of 200,000 recipients \(quality GREEN\)\. /);
		expect(result.error?.message).toContain(
			'ShopItalia (waba-num-001): Messaging limit TIER_10K allows 10,000 unique recipients per 24 h; the campaign needs 200,000',
		);
		expect(result.error?.message).toContain('SportZone (waba-num-002): Status is PENDING');
		expect(result.error?.message).toContain('ShopItalia Support (waba-num-003): Messaging limit TIER_100K');
		expect(result.error?.description).toMatch(/Lower Recipients/);
	});

	it('says when no name matched', async () => {
		const result = await choose(10, { nameContains: 'TravelCo' });
		expect(result.error?.message).toBe('No number\'s display name or verified name contains "TravelCo" (3 numbers checked) [item 0]');
	});

	it('gives each input item its own answer, in order; no fit becomes an error item under Continue', async () => {
		const result = await runActionNode({
			parameters: chooseParams('={{ $json.recipients }}' as never, { nameContains: '={{ $json.brand }}' }),
			credentials: credentials(),
			items: [
				{ brand: 'ShopItalia', recipients: 50000 },
				{ brand: 'SportZone', recipients: 10 },
				{ brand: 'ShopItalia', recipients: 5000 },
			],
			onError: 'continueRegularOutput',
		});
		expect(result.items.map((i) => i.json.phoneNumberId ?? String(i.json.error).slice(0, 14))).toEqual([
			'waba-num-003',
			'No number fits',
			'waba-num-003',
		]);
		expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
	});

	it('accepts a number whose tier is unlimited and rejects unknown and missing tiers', async () => {
		sandbox().numbers = [
			{ ...base, phoneNumberId: 'unknown', messagingLimit: 'TIER_NOT_SET' },
			{ ...base, phoneNumberId: 'missing', messagingLimit: undefined },
			{ ...base, phoneNumberId: 'unlimited', messagingLimit: 'TIER_UNLIMITED' },
		];
		expect(ids(await choose(1_000_000))).toEqual(['unlimited']);
		sandbox().numbers.pop();
		const none = await choose(1);
		expect(none.error?.message).toMatch(
			/Brand \(unknown\): Messaging limit TIER_NOT_SET is not a known tier.*Brand \(missing\): Messaging limit missing/,
		);
	});

	it('uses the same locator parameter as Get for Check Readiness', async () => {
		const result = await runActionNode({
			parameters: { ...readinessParams('x', 1), phoneNumberId: byId('waba-num-003') },
			credentials: credentials(),
		});
		expect(ids(result)).toEqual(['waba-num-003']);
	});
});
