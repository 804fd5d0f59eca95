/** How a number is named to people: in pickers and in messages. */
import { type PhoneNumber, shown } from './phoneNumber';

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
