/** The best number of the account for a campaign, and why the others were turned down. Pure functions, no I/O. */
import { type PhoneNumber, qualityRank } from './phoneNumber';
import { type CampaignCriteria, evaluateReadiness } from './readiness';
import { describeTier } from './tiers';

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
