import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { readPhoneNumberPages } from '../../shared/transport';

function label(number: Record<string, unknown>): string {
	const parts = [number.displayName, number.phoneNumber, number.status, number.qualityRating, number.messagingLimit];
	return parts.filter((part) => part !== undefined && part !== null && part !== '').map(String).join(' · ');
}

/** The resource locator's dropdown: the account's numbers, labelled with what matters when picking one. */
export async function searchPhoneNumbers(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchResult['results'] = [];
	for await (const page of readPhoneNumberPages(this, {})) {
		for (const number of page.numbers) {
			const name = label(number) || String(number.phoneNumberId);
			const haystack = `${name} ${String(number.phoneNumberId)} ${String(number.verifiedName ?? '')}`.toLowerCase();
			if (needle && !haystack.includes(needle)) continue;
			results.push({ name, value: String(number.phoneNumberId) });
		}
	}
	return { results };
}
