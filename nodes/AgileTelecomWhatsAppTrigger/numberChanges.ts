/**
 * The trigger's memory and comparison: a compact snapshot of the watched fields of every number, and the
 * change events between a snapshot and the current list. Pure functions, no I/O.
 */
import type { IDataObject } from 'n8n-workflow';

import { withTierFields } from '../shared/numberOutput';
import { campaignAction, type PhoneNumber, qualityRank } from '../shared/phoneNumber';
import { describeTier, formatCapacity } from '../shared/tiers';

export const CHANGE_EVENTS = ['statusChanged', 'qualityRatingChanged', 'messagingLimitChanged', 'numberAdded', 'numberRemoved'] as const;

export type ChangeEvent = (typeof CHANGE_EVENTS)[number];

/** Watched fields, in the order they are stored in a snapshot entry. */
const WATCHED = ['status', 'qualityRating', 'messagingLimit', 'displayName'] as const;
type SnapshotEntry = [status: unknown, qualityRating: unknown, messagingLimit: unknown, displayName: unknown];

/**
 * What the trigger keeps in the workflow's static data: per number only the watched fields (no API key,
 * about 60 bytes a number), plus which IDs it watches so that a changed filter starts a new baseline.
 */
export interface Snapshot {
	version: 1;
	watch: string;
	numbers: Record<string, SnapshotEntry>;
}

export function watchKey(phoneNumberIds: string[]): string {
	return [...phoneNumberIds].sort().join('\n');
}

export function takeSnapshot(numbers: PhoneNumber[], watch: string): Snapshot {
	const entries: Record<string, SnapshotEntry> = {};
	for (const number of numbers) {
		entries[String(number.phoneNumberId)] = WATCHED.map((field) => number[field] ?? null) as SnapshotEntry;
	}
	return { version: 1, watch, numbers: entries };
}

export function isSnapshot(value: unknown): value is Snapshot {
	const snapshot = value as Snapshot | undefined;
	return typeof snapshot === 'object' && snapshot !== null && snapshot.version === 1 && typeof snapshot.numbers === 'object';
}

/** A stored entry as the `previous` fields of an event. */
function previousFields(phoneNumberId: string, entry: SnapshotEntry): IDataObject {
	const fields: IDataObject = { phoneNumberId };
	WATCHED.forEach((field, i) => {
		fields[field] = entry[i] as IDataObject[string];
	});
	return fields;
}

function direction(before: number | undefined, after: number | undefined): 'up' | 'down' | 'unknown' {
	if (before === undefined || after === undefined || before === after) return 'unknown';
	return after > before ? 'up' : 'down';
}

function changeContext(event: ChangeEvent, previous: IDataObject | null, current: PhoneNumber | null): IDataObject {
	const number = current ?? previous ?? {};
	const name = String(number.displayName ?? number.phoneNumberId);
	const from = (field: string) => String(previous?.[field] ?? 'none');
	const to = (field: string) => String(current?.[field] ?? 'none');
	switch (event) {
		case 'statusChanged':
			return {
				summary: `${name}: status ${from('status')} → ${to('status')}`,
				action: campaignAction(current?.status),
			};
		case 'qualityRatingChanged': {
			const before = qualityRank(previous?.qualityRating);
			const after = qualityRank(current?.qualityRating);
			return {
				summary: `${name}: quality ${from('qualityRating')} → ${to('qualityRating')}`,
				direction: direction(before < 0 ? undefined : before, after < 0 ? undefined : after),
			};
		}
		case 'messagingLimitChanged': {
			const after = describeTier(current?.messagingLimit);
			return {
				summary: `${name}: messaging limit ${from('messagingLimit')} → ${to('messagingLimit')} (${formatCapacity(after.capacity)} recipients per 24 h)`,
				direction: direction(describeTier(previous?.messagingLimit).rank, after.rank),
			};
		}
		case 'numberAdded':
			return { summary: `${name}: number added (status ${to('status')})` };
		case 'numberRemoved':
			return { summary: `${name}: number removed` };
	}
}

export interface ChangeItem extends IDataObject {
	event: ChangeEvent;
	phoneNumberId: string;
	displayName: IDataObject[string];
	previous: IDataObject | null;
	current: IDataObject | null;
	summary: string;
}

function changeItem(event: ChangeEvent, phoneNumberId: string, previous: IDataObject | null, current: PhoneNumber | null): ChangeItem {
	return {
		event,
		phoneNumberId,
		displayName: (current?.displayName ?? previous?.displayName ?? null) as IDataObject[string],
		previous,
		current: current ? withTierFields(current) : null,
		...(changeContext(event, previous, current) as { summary: string }),
	};
}

const FIELD_EVENTS: ReadonlyArray<[ChangeEvent, (typeof WATCHED)[number]]> = [
	['statusChanged', 'status'],
	['qualityRatingChanged', 'qualityRating'],
	['messagingLimitChanged', 'messagingLimit'],
];

/** One item per change, in list order (removed numbers last), each change of a number its own item. */
export function diffSnapshot(previous: Snapshot, numbers: PhoneNumber[], events: ReadonlySet<ChangeEvent>): ChangeItem[] {
	const changes: ChangeItem[] = [];
	const seen = new Set<string>();
	for (const number of numbers) {
		const id = String(number.phoneNumberId);
		seen.add(id);
		const entry = previous.numbers[id];
		if (!entry) {
			if (events.has('numberAdded')) changes.push(changeItem('numberAdded', id, null, number));
			continue;
		}
		const before = previousFields(id, entry);
		for (const [event, field] of FIELD_EVENTS) {
			if (events.has(event) && (number[field] ?? null) !== before[field]) {
				changes.push(changeItem(event, id, before, number));
			}
		}
	}
	if (events.has('numberRemoved')) {
		for (const [id, entry] of Object.entries(previous.numbers)) {
			if (!seen.has(id)) changes.push(changeItem('numberRemoved', id, previousFields(id, entry), null));
		}
	}
	return changes;
}

/** A realistic event for "Fetch Test Event": the number's real current data, as if it just became ACTIVE. */
export function sampleChange(number: PhoneNumber): ChangeItem {
	const id = String(number.phoneNumberId);
	const previous = previousFields(id, [
		number.status === 'PENDING' ? 'UNVERIFIED' : 'PENDING',
		number.qualityRating ?? null,
		number.messagingLimit ?? null,
		number.displayName ?? null,
	]);
	return changeItem('statusChanged', id, previous, number);
}
