/**
 * How much of a number the node outputs: everything (Raw), the fields a campaign planner reads first
 * (Simplified, at most 10), or the ID plus chosen fields (Selected Fields, for AI agents whose context is
 * short). Pure functions over the items the operations build; field names are never renamed.
 */
import type { IDataObject } from 'n8n-workflow';

export type OutputMode = 'simplified' | 'raw' | 'selected';

/** Returned in every mode: what an agent or the next node needs to name the number again. */
export const ID_FIELD = 'phoneNumberId';

/** Most used first: who the number is, whether it can send, and how many recipients its tier allows. */
export const SIMPLIFIED_NUMBER_FIELDS = [
	ID_FIELD,
	'displayName',
	'phoneNumber',
	'status',
	'qualityRating',
	'messagingLimit',
	'messagingLimitCapacity',
] as const;

/** The verdict of Check Readiness and Choose for Campaign. */
export const READINESS_FIELDS = ['ready', 'reasons', 'action'] as const;

/** n8n's guideline for simplified output. */
export const MAX_SIMPLIFIED_FIELDS = 10;

/** Every field the node can output, with its label for the Selected Fields list (the ID is always returned, so not offered). */
export const SELECTABLE_FIELDS: Readonly<Record<string, string>> = {
	accountMode: 'Account Mode',
	action: 'Action',
	dataWarnings: 'Data Warnings',
	displayName: 'Display Name',
	lastOnboardedAt: 'Last Onboarded',
	messagingLimit: 'Messaging Limit',
	messagingLimitCapacity: 'Messaging Limit Capacity',
	messagingLimitUnlimited: 'Messaging Limit Unlimited',
	nameStatus: 'Name Status',
	phoneNumber: 'Phone Number',
	platform: 'Platform',
	qualityRating: 'Quality Rating',
	ready: 'Ready',
	reasons: 'Reasons',
	status: 'Status',
	verifiedName: 'Verified Name',
	wabaId: 'WABA ID',
};

/** The named fields the item has, in the order named. */
export function pickFields(item: IDataObject, fields: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) {
		if (Object.prototype.hasOwnProperty.call(item, field)) picked[field] = item[field];
	}
	return picked;
}

/** The planner's fields, the verdict when the item has one, and the data warnings while there is room. */
export function simplifiedNumber(item: IDataObject): IDataObject {
	const fields: string[] = [...SIMPLIFIED_NUMBER_FIELDS];
	if ('ready' in item) fields.push(...READINESS_FIELDS);
	if (fields.length < MAX_SIMPLIFIED_FIELDS) fields.push('dataWarnings');
	return pickFields(item, fields);
}

export function shapeNumber(item: IDataObject, mode: OutputMode, selected: readonly string[] = []): IDataObject {
	if (mode === 'raw') return item;
	if (mode === 'selected') return pickFields(item, [ID_FIELD, ...selected.filter((field) => field !== ID_FIELD)]);
	return simplifiedNumber(item);
}
