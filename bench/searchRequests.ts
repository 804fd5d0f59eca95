/**
 * Section 9 of `npm run bench`: what the resource-locator number search costs in requests over 10,000
 * numbers, keystroke by keystroke, as n8n's editor calls it (filter, then paginationToken when scrolled).
 * Counts, not times: the API's per-key budget (1,000 requests a minute in production) is what it spends.
 */

import { searchList } from '../test/harness/engine';
import { generateNumbers } from '../test/sandbox/data';
import { ApiSandbox, SANDBOX_API_KEY } from '../test/sandbox/server';

const COUNT = 10_000;
const PAGE_SIZE = 100;

export interface SearchRow {
	scenario: string;
	keystrokes: number;
	requests: number[];
	/** A scroll (paginationToken), not a keystroke. */
	scrolled?: boolean;
}

export async function measureSearch(): Promise<{ rows: SearchRow[]; before: number }> {
	const sandbox = new ApiSandbox({ numbers: generateNumbers(COUNT) });
	await sandbox.start();
	// A credential of its own per scenario: it starts without the one-minute copy of the list.
	let credentialId = 'search-1';
	const credentials = { apiKey: SANDBOX_API_KEY, baseUrl: sandbox.baseUrl };
	const costOf = async (filter?: string, token?: string) => {
		const before = sandbox.count();
		const answer = await searchList('searchPhoneNumbers', credentials, filter, token, credentialId);
		return { cost: sandbox.count() - before, answer };
	};
	const typing = async (text: string) => {
		const costs: number[] = [];
		for (let i = 1; i <= text.length; i++) costs.push((await costOf(text.slice(0, i))).cost);
		return costs;
	};
	const rows: SearchRow[] = [];
	try {
		const open = await costOf();
		rows.push({ scenario: 'open the picker (no filter)', keystrokes: 0, requests: [open.cost] });
		rows.push({
			scenario: 'scroll to the end of the first 100',
			keystrokes: 0,
			scrolled: true,
			requests: [(await costOf(undefined, open.answer.paginationToken)).cost],
		});
		rows.push({ scenario: 'then type "brand 7" (1 number in 50 matches)', keystrokes: 7, requests: await typing('brand 7') });
		rows.push({ scenario: 'then type "sport" (matches nothing)', keystrokes: 5, requests: await typing('sport') });
		rows.push({ scenario: 'then type another name, "brand 12"', keystrokes: 8, requests: await typing('brand 12') });
		credentialId = 'search-2';
		await costOf();
		const target = sandbox.numbers[4_950];
		rows.push({
			scenario: `fresh: open, then type the number on page 50 (${String(target.phoneNumber)})`,
			keystrokes: String(target.phoneNumber).length,
			requests: await typing(String(target.phoneNumber)),
		});
		rows.push({
			scenario: `then type its ID (${String(target.phoneNumberId)})`,
			keystrokes: String(target.phoneNumberId).length,
			requests: await typing(String(target.phoneNumberId)),
		});
	} finally {
		await sandbox.stop();
	}
	return { rows, before: Math.ceil(COUNT / PAGE_SIZE) };
}
