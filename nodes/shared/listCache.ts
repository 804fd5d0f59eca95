/**
 * A short-lived, per-credential copy of the number list for the resource-locator search. The API has no
 * server-side filter, so without it every keystroke in the picker would read the whole list again. The
 * copy is read lazily: only as many pages as a search needs, kept for LIST_CACHE_TTL_MS.
 */
import { createHash } from 'crypto';

import type { PhoneNumber } from './numberState';
import { type ApiContext, connectionOf, readPhoneNumberPages } from './transport';

/** How long a read list serves searches: long enough for a round of typing, short enough to stay current. */
export const LIST_CACHE_TTL_MS = 60_000;
/** Bound on credentials held at once, so an instance with many users cannot grow it without limit. */
const MAX_ENTRIES = 20;

interface CachedList {
	readAt: number;
	numbers: PhoneNumber[];
	complete: boolean;
	/** The paging stays suspended between searches; pulling it reads the next page. */
	pages: AsyncGenerator<PhoneNumber[]>;
	/** The page being read, shared by searches that arrive meanwhile. */
	reading?: Promise<void>;
}

const lists = new Map<string, CachedList>();

/** The cache's own clock, so a test can age the copy without moving the rate limiter's time too. */
export const listCacheClock = { now: (): number => Date.now() };

/** Credential ID, base URL and a hash of the key: a changed key or URL never sees the old list. */
async function keyOf(ctx: ApiContext): Promise<string> {
	// The pacer's key (credential and base URL), narrowed by the API key, which the pacer does not need.
	const { pacerKey, secret } = await connectionOf(ctx);
	const keyHash = createHash('sha256')
		.update(secret ?? '')
		.digest('hex')
		.slice(0, 16);
	return `${pacerKey}#${keyHash}`;
}

function dropExpired(now: number): void {
	for (const [key, list] of lists) if (now - list.readAt > LIST_CACHE_TTL_MS) lists.delete(key);
	while (lists.size >= MAX_ENTRIES) lists.delete(lists.keys().next().value as string);
}

/** A growing view of one credential's list: what has been read so far, and a way to read one page more. */
export interface ListReader {
	numbers(): readonly PhoneNumber[];
	complete(): boolean;
	/** Reads the next page into the copy (no request once the list is complete). */
	readMore(): Promise<void>;
}

export async function cachedListReader(ctx: ApiContext): Promise<ListReader> {
	const key = await keyOf(ctx);
	const now = listCacheClock.now();
	dropExpired(now);
	let list = lists.get(key);
	if (!list) {
		list = { readAt: now, numbers: [], complete: false, pages: readPhoneNumberPages(ctx, {}) };
		lists.set(key, list);
	}
	const entry = list;
	const readNext = async () => {
		let read = false;
		try {
			const next = await entry.pages.next();
			if (next.done) entry.complete = true;
			else entry.numbers.push(...next.value);
			read = true;
		} finally {
			entry.reading = undefined;
			// A failed read leaves nothing half-done behind: the next search starts over.
			if (!read && lists.get(key) === entry) lists.delete(key);
		}
	};
	return {
		numbers: () => entry.numbers,
		complete: () => entry.complete,
		async readMore() {
			if (entry.complete) return;
			entry.reading ??= readNext();
			await entry.reading;
		},
	};
}

/** Forgets every cached list (tests that change the account's numbers between searches). */
export function clearListCache(): void {
	lists.clear();
}
