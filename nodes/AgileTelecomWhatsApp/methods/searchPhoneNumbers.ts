import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { MAX_PAGE_SIZE } from '../../shared/constants';
import { numberLabel } from '../../shared/numberLabels';
import type { PhoneNumber } from '../../shared/phoneNumber';
import { readsOfCredential } from '../../shared/sharedReads';

/** Without a filter the picker shows one API page at a time; it asks for the next one when scrolled down. */
const UNFILTERED_RESULTS = MAX_PAGE_SIZE;
/**
 * With a filter, enough matches to make the dropdown scroll (it shows about 7): n8n only asks for more
 * of a filtered list when the user scrolls to its end, so fewer would leave the rest unreachable.
 */
const FILTERED_RESULTS = 10;

function matches(number: PhoneNumber, needle: string): boolean {
	if (needle === '') return true;
	const fields = [
		number.displayName,
		number.verifiedName,
		number.phoneNumber,
		number.phoneNumberId,
		number.status,
		number.qualityRating,
		number.messagingLimit,
	];
	const haystack = fields
		.map((field) => (field === undefined || field === null ? '' : String(field)))
		.join('\n')
		.toLowerCase();
	// "+39 02 1234" finds +39021234…: people type numbers with spaces.
	return haystack.includes(needle) || haystack.includes(needle.replace(/\s+/g, ''));
}

/**
 * The resource locator's dropdown: the account's numbers, labelled with what matters when picking one.
 * Reads the list through a short-lived per-credential copy, only as far as this answer needs: opening
 * the picker costs one request, a keystroke usually none (the pages already read hold enough matches),
 * and a number deep in a large account is still found, the pages before it being read once.
 */
export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const wanted = needle === '' ? UNFILTERED_RESULTS : FILTERED_RESULTS;
	const list = (await readsOfCredential(this)).list(this, {});
	const start = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const results: INodeListSearchResult['results'] = [];
	let position = 0;
	let more = false;
	// Pages before `start` were read by the answers before this one: the copy serves them without a request.
	reading: for await (const page of list.pages()) {
		for (const [index, number] of page.entries()) {
			if (position++ < start || !matches(number, needle)) continue;
			results.push({ name: numberLabel(number), value: String(number.phoneNumberId) });
			if (results.length >= wanted) {
				more = index < page.length - 1 || !list.complete();
				break reading;
			}
		}
	}
	return more ? { results, paginationToken: String(position) } : { results };
}
