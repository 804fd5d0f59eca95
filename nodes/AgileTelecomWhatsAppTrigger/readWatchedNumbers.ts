/**
 * What one poll reads: the watched numbers, from whichever endpoint costs fewer requests. The list costs
 * one request per page; the detail endpoint one per watched number. How many pages the list has is only
 * known after reading it, so the trigger stores the page count of its last list read (`listPages`, in the
 * node's static data) and reads the watched numbers one by one while there are fewer of them than that.
 * Without a stored count (first poll) or with nothing watched it reads the list, which stores the count.
 * While polls read by detail the count is not refreshed: if the account shrank a lot since, the detail
 * reads may cost more than the list would, but no change is missed or reported twice. Both ways give the
 * same numbers to the snapshot and the diff: a watched number the detail endpoint does not know (404) is
 * absent, exactly as a number missing from the list, so it is reported removed once.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import type { PhoneNumber } from '../shared/numberState';
import { getPhoneNumber, readPhoneNumberPages, type RequestSettings } from '../shared/transport';

export interface WatchedRead {
	numbers: PhoneNumber[];
	/** Pages read from the list; undefined when the numbers came from the detail endpoint. */
	listPages?: number;
}

async function readDetails(ctx: IPollFunctions, ids: string[], settings: RequestSettings): Promise<PhoneNumber[]> {
	const numbers = await Promise.all(
		ids.map(async (id) => {
			try {
				return await getPhoneNumber(ctx, id, settings);
			} catch (error) {
				if (error instanceof NodeApiError && error.httpCode === '404') return undefined;
				throw error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), error as Error);
			}
		}),
	);
	return numbers.filter((number): number is PhoneNumber => number !== undefined);
}

async function readList(ctx: IPollFunctions, watched: Set<string>, settings: RequestSettings): Promise<WatchedRead> {
	const numbers: PhoneNumber[] = [];
	let listPages = 0;
	for await (const page of readPhoneNumberPages(ctx, settings)) {
		listPages++;
		for (const number of page) if (watched.size === 0 || watched.has(String(number.phoneNumberId))) numbers.push(number);
	}
	return { numbers, listPages };
}

/**
 * `phoneNumberIds` empty = every number of the account; `state` holds `listPages` from the last list read;
 * past `deadlineAt` the read throws a deadline error (transport's isDeadlineError).
 */
export async function readWatchedNumbers(
	ctx: IPollFunctions,
	phoneNumberIds: string[],
	state: IDataObject,
	deadlineAt?: number,
): Promise<WatchedRead> {
	const watched = new Set(phoneNumberIds);
	const { timeout } = ctx.getNodeParameter('options', {}) as { timeout?: number };
	const settings: RequestSettings = { timeout, deadlineAt };
	const listPages = typeof state.listPages === 'number' ? state.listPages : 0;
	if (watched.size > 0 && watched.size < listPages) return { numbers: await readDetails(ctx, [...watched], settings) };
	return await readList(ctx, watched, settings);
}
