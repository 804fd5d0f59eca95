import { describeTier, formatCapacity, TIER_LADDER, tierAllows, tierAtLeast, tierFields } from '../../nodes/shared/tiers';

describe('tier ladder', () => {
	it('orders the tiers TIER_50 < TIER_250 < TIER_1K < TIER_2K < TIER_10K < TIER_100K < UNLIMITED', () => {
		const order = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'UNLIMITED'];
		expect(TIER_LADDER.map((t) => t.tier)).toEqual(order);
		order.forEach((tier, i) => {
			expect(describeTier(tier).rank).toBe(i);
			order.forEach((other, j) => expect(tierAtLeast(tier, other as never)).toBe(i >= j));
		});
	});

	it.each([
		['TIER_50', 50],
		['TIER_250', 250],
		['TIER_1K', 1000],
		['TIER_2K', 2000],
		['TIER_10K', 10000],
		['TIER_100K', 100000],
	])('gives %s a capacity of %d recipients per 24 h', (tier, capacity) => {
		expect(describeTier(tier)).toEqual({ rank: expect.any(Number), capacity, unlimited: false });
		expect(tierFields(tier)).toEqual({ messagingLimitCapacity: capacity, messagingLimitUnlimited: false });
		expect(tierAllows(tier, capacity)).toBe(true);
		expect(tierAllows(tier, capacity + 1)).toBe(false);
	});

	it('treats TIER_UNLIMITED as UNLIMITED, and tells unlimited apart from unknown', () => {
		expect(describeTier('TIER_UNLIMITED')).toEqual(describeTier('UNLIMITED'));
		expect(tierFields('TIER_UNLIMITED')).toEqual({ messagingLimitCapacity: null, messagingLimitUnlimited: true });
		expect(tierFields('TIER_NOT_SET')).toEqual({ messagingLimitCapacity: null, messagingLimitUnlimited: false });
		expect(tierAllows('UNLIMITED', 10_000_000)).toBe(true);
	});

	it.each([undefined, null, '', 'TIER_NOT_SET', 'TIER_5K', 'tier_huge', 42, {}, []])(
		'never lets a missing, unset or unknown tier (%p) pass, and never throws',
		(value) => {
			expect(describeTier(value)).toEqual({ rank: undefined, capacity: undefined, unlimited: false });
			expect(tierAtLeast(value, 'TIER_50')).toBe(false);
			expect(tierAllows(value, 1)).toBe(false);
		},
	);

	it('reads tiers case- and space-insensitively', () => {
		expect(describeTier(' tier_1k ').capacity).toBe(1000);
	});

	it('formats capacities for messages', () => {
		expect(formatCapacity(5000)).toBe('5,000');
		expect(formatCapacity(Number.POSITIVE_INFINITY)).toBe('unlimited');
		expect(formatCapacity(undefined)).toBe('an unknown number of');
	});
});
