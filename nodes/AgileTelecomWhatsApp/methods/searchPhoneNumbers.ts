import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { numberLabel } from '../../shared/numberState';
import { readAllPhoneNumbers } from '../../shared/transport';

/** The resource locator's dropdown: the account's numbers, labelled with what matters when picking one. */
export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchResult['results'] = [];
	for (const number of await readAllPhoneNumbers(this, {})) {
		const name = numberLabel(number);
		const haystack = `${name} ${String(number.phoneNumberId)} ${String(number.verifiedName ?? '')}`.toLowerCase();
		if (needle && !haystack.includes(needle)) continue;
		results.push({ name, value: String(number.phoneNumberId) });
	}
	return { results };
}
