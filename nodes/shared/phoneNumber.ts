/**
 * A number as the API returns it, the statuses and quality ratings it may carry, and what status and
 * quality mean for sending. Pure functions, no I/O.
 */
import type { IDataObject } from 'n8n-workflow';

/** Statuses the provider shows (ACTIVE, PENDING) plus the rest of Meta's phone-number statuses. */
export const PHONE_NUMBER_STATUSES = [
	'ACTIVE',
	'CONNECTED',
	'PENDING',
	'FLAGGED',
	'RESTRICTED',
	'RATE_LIMITED',
	'DISCONNECTED',
	'MIGRATED',
	'BANNED',
	'DELETED',
	'UNVERIFIED',
	'UNKNOWN',
] as const;

export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;

/** Minimum quality a campaign accepts: GREEN = only green; YELLOW = green or yellow. */
export type MinQualityRating = 'GREEN' | 'YELLOW';

export type CampaignAction = 'send' | 'wait' | 'contactSupport';

/** A number as the API returns it: fields are read defensively, never assumed. */
export type PhoneNumber = IDataObject;

const SENDABLE_STATUSES = new Set(['ACTIVE', 'CONNECTED']);
const QUALITY_RANK: Readonly<Record<string, number>> = { GREEN: 2, YELLOW: 1, RED: 0 };

export function upper(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined;
}

/** ACTIVE (or Meta's CONNECTED) → send; PENDING → wait for onboarding to finish; anything else → contact support. */
export function campaignAction(status: unknown): CampaignAction {
	const value = upper(status);
	if (value !== undefined && SENDABLE_STATUSES.has(value)) return 'send';
	if (value === 'PENDING') return 'wait';
	return 'contactSupport';
}

/** 2 = GREEN, 1 = YELLOW, 0 = RED, -1 = UNKNOWN, NA or missing (never good enough). */
export function qualityRank(qualityRating: unknown): number {
	return QUALITY_RANK[upper(qualityRating) ?? ''] ?? -1;
}

export function qualityAtLeast(qualityRating: unknown, minimum: MinQualityRating): boolean {
	const rank = qualityRank(qualityRating);
	return rank >= 0 && rank >= QUALITY_RANK[minimum];
}

/** A field's value for a message, or "missing". */
export function shown(value: unknown): string {
	return value === undefined || value === null || value === '' ? 'missing' : String(value);
}
