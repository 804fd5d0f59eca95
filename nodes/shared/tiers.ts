/**
 * Meta's messaging-limit tiers: how many unique recipients a number may reach with business-initiated
 * messages in a moving 24-hour window. One ladder, used by the List filter, the readiness check, the
 * choice of a number and the trigger.
 */

/** The ladder, lowest first. The index is the rank. */
export const TIER_LADDER = [
	{ tier: 'TIER_50', capacity: 50 },
	{ tier: 'TIER_250', capacity: 250 },
	{ tier: 'TIER_1K', capacity: 1_000 },
	{ tier: 'TIER_2K', capacity: 2_000 },
	{ tier: 'TIER_10K', capacity: 10_000 },
	{ tier: 'TIER_100K', capacity: 100_000 },
	{ tier: 'UNLIMITED', capacity: Number.POSITIVE_INFINITY },
] as const;

export type LadderTier = (typeof TIER_LADDER)[number]['tier'];

/** Other spellings the API may pass through from Meta. */
const TIER_ALIASES: Readonly<Record<string, LadderTier>> = {
	TIER_UNLIMITED: 'UNLIMITED',
};

export interface TierInfo {
	/** Position on the ladder (0 = TIER_50), or undefined when the tier is missing, TIER_NOT_SET or unknown. */
	rank: number | undefined;
	/** Unique recipients per 24 h; Infinity when unlimited; undefined when unknown. */
	capacity: number | undefined;
	unlimited: boolean;
}

const UNKNOWN_TIER: TierInfo = { rank: undefined, capacity: undefined, unlimited: false };

const TIER_INFO: ReadonlyMap<string, TierInfo> = new Map(
	TIER_LADDER.map(({ tier, capacity }, rank) => [tier, { rank, capacity, unlimited: capacity === Number.POSITIVE_INFINITY }]),
);

/** Reads any value the API may send as `messagingLimit`; never throws. */
export function describeTier(messagingLimit: unknown): TierInfo {
	if (typeof messagingLimit !== 'string') return UNKNOWN_TIER;
	// The API's own spelling first: called for every number of a list, so no new string when it matches.
	const exact = TIER_INFO.get(messagingLimit);
	if (exact !== undefined) return exact;
	const name = messagingLimit.trim().toUpperCase();
	return TIER_INFO.get(TIER_ALIASES[name] ?? name) ?? UNKNOWN_TIER;
}

/** True when the tier is known and at least `minimum`. Unknown tiers never pass. */
export function tierAtLeast(messagingLimit: unknown, minimum: LadderTier): boolean {
	const { rank } = describeTier(messagingLimit);
	const minimumRank = describeTier(minimum).rank;
	return rank !== undefined && minimumRank !== undefined && rank >= minimumRank;
}

/** True when the tier lets the number reach `recipients` unique recipients in 24 h. */
export function tierAllows(messagingLimit: unknown, recipients: number): boolean {
	const { capacity } = describeTier(messagingLimit);
	return capacity !== undefined && capacity >= recipients;
}

/**
 * The fields every number gains in the output. JSON has no Infinity, so "unlimited" is its own flag:
 * capacity null + unlimited true = no cap; capacity null + unlimited false = tier unknown.
 */
export function tierFields(messagingLimit: unknown): {
	messagingLimitCapacity: number | null;
	messagingLimitUnlimited: boolean;
} {
	const { capacity, unlimited } = describeTier(messagingLimit);
	return {
		messagingLimitCapacity: capacity === undefined || unlimited ? null : capacity,
		messagingLimitUnlimited: unlimited,
	};
}

/**
 * 10000 → "10,000", as toLocaleString('en-US') writes it. The option names are built when n8n loads the
 * node, so this avoids setting up Intl there (cold start, BENCHMARKS.md).
 */
export function groupThousands(value: number): string {
	if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString('en-US');
	return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** "TIER_1K allows 1,000 unique recipients per 24 h", for reasons and notifications. */
export function formatCapacity(capacity: number | undefined): string {
	if (capacity === undefined) return 'an unknown number of';
	if (capacity === Number.POSITIVE_INFINITY) return 'unlimited';
	return groupThousands(capacity);
}
