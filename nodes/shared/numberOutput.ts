/** A number as the node outputs it: the API's fields, the tier's capacity, warnings and the readiness verdict. */
import { PHONE_NUMBER_STATUSES, type PhoneNumber, QUALITY_RATINGS } from './phoneNumber';
import { type CampaignCriteria, evaluateReadiness } from './readiness';
import { TIER_LADDER, tierFields } from './tiers';

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
