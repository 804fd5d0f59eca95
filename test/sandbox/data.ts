/** The sandbox's numbers: three that cover send, wait and a second brand, and a generator for large accounts. */

/** A number as the detail endpoint returns it; the list endpoint returns only LIST_FIELDS. */
export type SandboxNumber = Record<string, unknown> & { phoneNumberId: unknown };

export const LIST_FIELDS = [
	'phoneNumberId',
	'phoneNumber',
	'displayName',
	'qualityRating',
	'status',
	'messagingLimit',
	'verifiedName',
	'platform',
] as const;

/** The default account: ShopItalia (ACTIVE, GREEN, TIER_10K), SportZone (PENDING), ShopItalia Support (TIER_100K). */
export function uc025Numbers(): SandboxNumber[] {
	return [
		{
			phoneNumberId: 'waba-num-001',
			phoneNumber: '+390212345678',
			displayName: 'ShopItalia',
			qualityRating: 'GREEN',
			status: 'ACTIVE',
			messagingLimit: 'TIER_10K',
			verifiedName: 'ShopItalia S.r.l.',
			platform: 'CLOUD_API',
			nameStatus: 'APPROVED',
			accountMode: 'LIVE',
			lastOnboardedAt: '2025-11-15T10:00:00+01:00',
			wabaId: 'waba-acct-shopitalia-001',
		},
		{
			phoneNumberId: 'waba-num-002',
			phoneNumber: '+390287654321',
			displayName: 'SportZone',
			qualityRating: 'UNKNOWN',
			status: 'PENDING',
			messagingLimit: 'TIER_1K',
			verifiedName: 'SportZone by ShopItalia',
			platform: 'CLOUD_API',
			nameStatus: 'PENDING_REVIEW',
			accountMode: 'LIVE',
			wabaId: 'waba-acct-shopitalia-001',
		},
		{
			phoneNumberId: 'waba-num-003',
			phoneNumber: '+390211223344',
			displayName: 'ShopItalia Support',
			qualityRating: 'GREEN',
			status: 'ACTIVE',
			messagingLimit: 'TIER_100K',
			verifiedName: 'ShopItalia S.r.l.',
			platform: 'CLOUD_API',
			nameStatus: 'APPROVED',
			accountMode: 'LIVE',
			lastOnboardedAt: '2025-10-02T09:30:00+02:00',
			wabaId: 'waba-acct-shopitalia-001',
		},
	];
}

const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'PENDING', 'FLAGGED', 'CONNECTED'];
const QUALITIES = ['GREEN', 'GREEN', 'YELLOW', 'RED', 'UNKNOWN'];
const TIERS = ['TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'UNLIMITED', 'TIER_NOT_SET'];

/** `count` numbers with a deterministic mix of statuses, qualities and tiers. */
export function generateNumbers(count: number, prefix = 'gen'): SandboxNumber[] {
	return Array.from({ length: count }, (_, i) => ({
		phoneNumberId: `${prefix}-${String(i).padStart(6, '0')}`,
		phoneNumber: `+3902${String(10_000_000 + i)}`,
		displayName: `Brand ${i % 50}`,
		qualityRating: QUALITIES[i % QUALITIES.length],
		status: STATUSES[(i * 7) % STATUSES.length],
		messagingLimit: TIERS[(i * 3) % TIERS.length],
		verifiedName: `Brand ${i % 50} S.p.A.`,
		platform: i % 9 === 0 ? 'ON_PREMISE' : 'CLOUD_API',
		nameStatus: 'APPROVED',
		accountMode: 'LIVE',
		wabaId: `waba-acct-${i % 10}`,
	}));
}
