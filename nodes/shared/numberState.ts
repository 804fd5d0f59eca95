/**
 * What a number's status, quality rating and tier mean for sending: the checks behind the List filters,
 * Check Readiness, Choose for Campaign and the trigger's context. Pure functions, no I/O.
 */
import type { IDataObject } from 'n8n-workflow';

import { describeTier, formatCapacity, TIER_LADDER, tierAllows, tierFields } from './tiers';

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
/** nameStatus values with which Meta restricts sending. */
const BLOCKING_NAME_STATUSES = new Set(['DECLINED', 'EXPIRED']);

function upper(value: unknown): string | undefined {
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

function shown(value: unknown): string {
	return value === undefined || value === null || value === '' ? 'missing' : String(value);
}

function statusReason(status: unknown): string | undefined {
	const action = campaignAction(status);
	if (action === 'send') return undefined;
	if (action === 'wait') {
		return 'Status is PENDING: onboarding with Meta is not finished (OTP verification and display-name review); wait until it is ACTIVE';
	}
	return `Status is ${shown(status)}: the number cannot send; contact Agile Telecom support`;
}

function qualityReason(qualityRating: unknown, minimum: MinQualityRating): string | undefined {
	if (qualityAtLeast(qualityRating, minimum)) return undefined;
	const wanted = minimum === 'GREEN' ? 'GREEN' : 'GREEN or YELLOW';
	const note = qualityRank(qualityRating) < 0 ? ' (not rated by Meta yet)' : '';
	return `Quality rating is ${shown(qualityRating)}${note}; the campaign requires ${wanted}`;
}

function tierReason(messagingLimit: unknown, recipients: number): string | undefined {
	if (tierAllows(messagingLimit, recipients)) return undefined;
	const { capacity } = describeTier(messagingLimit);
	const needed = formatCapacity(recipients);
	if (capacity === undefined) {
		return `Messaging limit ${shown(messagingLimit)} is not a known tier, so capacity for ${needed} recipients cannot be confirmed`;
	}
	return `Messaging limit ${String(messagingLimit)} allows ${formatCapacity(capacity)} unique recipients per 24 h; the campaign needs ${needed}`;
}

function accountReasons(number: PhoneNumber): string[] {
	const reasons: string[] = [];
	if (upper(number.accountMode) === 'SANDBOX') {
		reasons.push('Account mode is SANDBOX: messages reach only test recipients; switch the WhatsApp account to LIVE');
	}
	const nameStatus = upper(number.nameStatus);
	if (nameStatus !== undefined && BLOCKING_NAME_STATUSES.has(nameStatus)) {
		reasons.push(`Display name status is ${nameStatus}: Meta restricts sending; request a new display-name review`);
	}
	return reasons;
}

export interface CampaignCriteria {
	/** Planned unique recipients in the next 24 hours. */
	recipients: number;
	minQualityRating: MinQualityRating;
}

export interface Readiness {
	ready: boolean;
	reasons: string[];
	action: CampaignAction;
}

/** Every failed check, in a fixed order: status, quality, tier, account. */
export function evaluateReadiness(number: PhoneNumber, criteria: CampaignCriteria): Readiness {
	const reasons = [
		statusReason(number.status),
		qualityReason(number.qualityRating, criteria.minQualityRating),
		tierReason(number.messagingLimit, criteria.recipients),
		...accountReasons(number),
	].filter((reason): reason is string => reason !== undefined);
	return { ready: reasons.length === 0, reasons, action: campaignAction(number.status) };
}

const KNOWN_VALUES: ReadonlyArray<[field: string, values: ReadonlySet<string>]> = [
	['status', new Set<string>(PHONE_NUMBER_STATUSES)],
	['qualityRating', new Set<string>([...QUALITY_RATINGS, 'NA'])],
	['messagingLimit', new Set<string>([...TIER_LADDER.map((t) => t.tier), 'TIER_UNLIMITED', 'TIER_NOT_SET'])],
];

/** What could not be read in a number as the API sent it: missing, mistyped or unknown values. */
export function dataWarnings(number: PhoneNumber): string[] {
	const warnings: string[] = [];
	const id = number.phoneNumberId;
	if (!((typeof id === 'string' && id.trim() !== '') || (typeof id === 'number' && Number.isFinite(id)))) {
		warnings.push(`phoneNumberId is ${id === undefined ? 'missing' : `not an ID (${JSON.stringify(id)})`}`);
	}
	for (const [field, known] of KNOWN_VALUES) {
		const value = number[field];
		if (value === undefined || value === null) warnings.push(`${field} is missing`);
		else if (typeof value !== 'string') warnings.push(`${field} is not text (${JSON.stringify(value)})`);
		// Known values are upper case without spaces, so the API's usual spelling is found without a new string.
		else if (!known.has(value) && !known.has(value.trim().toUpperCase())) warnings.push(`${field} ${value} is not a known value`);
	}
	return warnings;
}

/**
 * A number as the node outputs it: the API's fields unchanged, plus the tier's capacity, plus
 * `dataWarnings` only when something in it could not be read.
 */
export function withTierFields(number: PhoneNumber): PhoneNumber {
	const warnings = dataWarnings(number);
	const tier = tierFields(number.messagingLimit);
	// Object.assign gives the same keys, order and values as spreading, with less memory per listed number
	// (BENCHMARKS.md); only a "__proto__" key of the API's JSON, an own field, needs the spread to stay one.
	if (Object.prototype.hasOwnProperty.call(number, '__proto__')) {
		return { ...number, ...tier, ...(warnings.length ? { dataWarnings: warnings } : {}) };
	}
	const output: PhoneNumber = Object.assign({}, number, tier);
	if (warnings.length) output.dataWarnings = warnings;
	return output;
}

/** The API's fields, the tier's capacity and the readiness verdict. */
export function withReadiness(number: PhoneNumber, criteria: CampaignCriteria): PhoneNumber {
	return { ...withTierFields(number), ...evaluateReadiness(number, criteria) };
}

/**
 * "ACTIVE · GREEN · TIER_10K — ShopItalia · +390212345678", for pickers. The state comes first because
 * n8n's dropdowns cut long labels at the end, and status, quality and tier are what a planner picks by;
 * the name and number are what the search box filters on.
 */
export function numberLabel(number: PhoneNumber): string {
	const present = (parts: unknown[]) => parts.filter((part) => part !== undefined && part !== null && part !== '').map(String);
	const state = present([number.status, number.qualityRating, number.messagingLimit]).join(' · ');
	const identity = present([number.displayName, number.phoneNumber]).join(' · ') || String(number.phoneNumberId);
	return state ? `${state} — ${identity}` : identity;
}

/** "SportZone (waba-num-002)", for messages. */
export function describeNumber(number: PhoneNumber): string {
	const name = number.displayName ?? number.verifiedName ?? number.phoneNumber;
	const id = shown(number.phoneNumberId);
	return name === undefined || name === null ? id : `${String(name)} (${id})`;
}

export interface CampaignChoice {
	chosen: PhoneNumber | undefined;
	/** Candidates that matched the name but failed a check, with why. */
	rejected: Array<{ number: PhoneNumber; reasons: string[] }>;
	/** How many numbers the name filter let through. */
	candidates: number;
}

function nameMatches(number: PhoneNumber, nameContains: string): boolean {
	const needle = nameContains.trim().toLowerCase();
	if (needle === '') return true;
	return [number.displayName, number.verifiedName].some((name) => typeof name === 'string' && name.toLowerCase().includes(needle));
}

/** Comparator part that puts larger first; safe with Infinity (unlimited tiers). */
function descending(a: number, b: number): number {
	return a === b ? 0 : a > b ? -1 : 1;
}

function capacityOf(number: PhoneNumber): number {
	return describeTier(number.messagingLimit).capacity ?? -1;
}

/**
 * The best number for a campaign: sendable, quality at least the minimum, capacity at least the audience.
 * Better quality first, then more capacity, then the API's order (Array.prototype.sort is stable).
 */
export function chooseForCampaign(numbers: PhoneNumber[], criteria: CampaignCriteria, nameContains = ''): CampaignChoice {
	const rejected: CampaignChoice['rejected'] = [];
	const fitting: PhoneNumber[] = [];
	let candidates = 0;
	for (const number of numbers) {
		if (!nameMatches(number, nameContains)) continue;
		candidates++;
		const { ready, reasons } = evaluateReadiness(number, criteria);
		if (ready) fitting.push(number);
		else rejected.push({ number, reasons });
	}
	fitting.sort(
		(a, b) => descending(qualityRank(a.qualityRating), qualityRank(b.qualityRating)) || descending(capacityOf(a), capacityOf(b)),
	);
	return { chosen: fitting[0], rejected, candidates };
}
