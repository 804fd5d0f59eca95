/**
 * Reads shared by everything that asks for the same thing within one lifetime: the items of one run of
 * the action node (`readsOfRun`), or the dropdowns and pickers of one credential for a minute
 * (`readsOfCredential`). Callers that ask for the same key wait for one request; each gets its own deep
 * copy of the answer, or its own copy of the error, so no two callers share an object. The number list is
 * read lazily, a page at a time, as far as the caller that needs the most.
 */
import { createHash } from 'crypto';
import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { MAX_PAGE_SIZE } from './constants';
import type { PhoneNumber } from './phoneNumber';
import { type ApiContext, connectionOf, readPhoneNumberPages, type RequestSettings } from './transport';

/** How long a credential's reads serve its dropdowns: a round of typing, short enough to stay current. */
export const CREDENTIAL_READS_TTL_MS = 60_000;
/** Bound on credentials held at once, so an instance with many users cannot grow it without limit. */
const MAX_CREDENTIALS = 20;

/** The number list as the callers of one lifetime share it, read no further than someone asked. */
export interface SharedList {
	/** The numbers of page `from` onward, page by page; each page is fetched once for all callers. */
	pages(from?: number): AsyncGenerator<PhoneNumber[]>;
	/** Every number of the account, in the API's order. */
	all(): Promise<PhoneNumber[]>;
	/** The numbers read so far (the caller's own copy). */
	known(): PhoneNumber[];
	complete(): boolean;
}

export interface SharedReads {
	/** `load()`'s answer for `key`, loaded once in this lifetime. */
	read<T>(key: string, load: () => Promise<T>): Promise<T>;
	/** The list read with these settings and this page size, shared in this lifetime. */
	list(ctx: ApiContext, settings: RequestSettings, pageSize?: number): SharedList;
}

/** One lifetime's reads: answers by key, lists by settings. */
class Reads implements SharedReads {
	private readonly answers = new Map<string, Promise<unknown>>();
	private readonly lists = new Map<string, ListPages>();

	async read<T>(key: string, load: () => Promise<T>): Promise<T> {
		let pending = this.answers.get(key) as Promise<T> | undefined;
		if (!pending) {
			pending = load();
			this.answers.set(key, pending);
		}
		return await ownResult(pending);
	}

	list(ctx: ApiContext, settings: RequestSettings, pageSize = MAX_PAGE_SIZE): SharedList {
		const key = JSON.stringify([
			settings.timeout,
			settings.proxy,
			settings.skipSslCertificateValidation,
			settings.allowedDomains,
			pageSize,
		]);
		let pages = this.lists.get(key);
		if (!pages) {
			pages = new ListPages(readPhoneNumberPages(ctx, settings, pageSize));
			this.lists.set(key, pages);
		}
		return pages.view();
	}
}

/**
 * The pages read so far and the paging, suspended between callers. A failed page stays failed for the
 * callers that needed it; the lifetime ends before anyone could read past it.
 */
class ListPages {
	private readonly read: Array<Promise<PhoneNumber[] | undefined>> = [];
	/** The pages that arrived, by index, as the paging gave them. */
	private readonly settled: PhoneNumber[][] = [];
	private done = false;
	/** How many pages hold numbers (set once the paging ends). */
	private total = Number.POSITIVE_INFINITY;

	constructor(private readonly paging: AsyncGenerator<PhoneNumber[]>) {}

	/** Page `index`, or undefined past the end; pages are requested in order, each once. */
	private page(index: number): Promise<PhoneNumber[] | undefined> {
		while (this.read.length <= index) {
			const previous = this.read[this.read.length - 1] ?? Promise.resolve([]);
			const next = previous.then(async (before) => {
				if (before === undefined) return undefined;
				const step = await this.paging.next();
				if (step.done) {
					this.done = true;
					this.total = this.read.indexOf(next);
					return undefined;
				}
				this.settled[this.read.indexOf(next)] = step.value;
				return step.value;
			});
			// A page nobody awaits yet must not surface as an unhandled rejection.
			next.catch(() => undefined);
			this.read.push(next);
		}
		return this.read[index];
	}

	view(): SharedList {
		const pages = async function* (this: ListPages, from = 0): AsyncGenerator<PhoneNumber[]> {
			for (let index = from; index < this.total; index++) {
				const page = await ownResult(this.page(index));
				if (page === undefined) return;
				yield page;
			}
		}.bind(this);
		return {
			pages,
			all: async () => {
				const numbers: PhoneNumber[] = [];
				for await (const page of pages()) numbers.push(...page);
				return numbers;
			},
			known: () => copyJson(this.knownPages().flat()),
			complete: () => this.done && this.knownPages().length >= this.total,
		};
	}

	/** The pages that arrived, in order, up to the first one still on its way. */
	private knownPages(): PhoneNumber[][] {
		const known: PhoneNumber[][] = [];
		for (let index = 0; index < this.settled.length && this.settled[index] !== undefined; index++) known.push(this.settled[index]);
		return known;
	}
}

/** The caller's own copy of a shared answer, or of its error. */
async function ownResult<T>(pending: Promise<T>): Promise<T> {
	try {
		return copyJson(await pending);
	} catch (error) {
		throw ownCopy(error);
	}
}

// ── A run of the action node ────────────────────────────────────────────────────────────────────────

interface Run {
	reads: Reads;
	/** The run's input items. */
	items: number;
	started: Set<number>;
	done: number;
}

const runs = new WeakMap<object, Run>();

/** What one item of a run uses: the run's reads, and the end of its part of the run. */
export interface RunItem extends SharedReads {
	done(): void;
}

function inputItemCount(ctx: IExecuteSingleFunctions, runKey: { data?: { main?: unknown[] } }): number {
	// "Execute Once" runs the first item only, while the execute data still holds all of them.
	if (ctx.getNode().executeOnce) return 1;
	const items = runKey.data?.main?.[0];
	return Array.isArray(items) ? items.length : Number.POSITIVE_INFINITY;
}

/**
 * The reads of this run of the node. n8n's routing node calls an operation once per input item, all
 * items at once, each with its own context; what the items of one run share is the engine's execute data
 * (one object per run of the node: another execution or the next turn of a loop gets a new one). Nothing
 * outlives the run: its reads are dropped once all its items are done, and an item index that starts
 * twice means the engine runs the node again on the same execute data (Retry On Fail), which starts afresh.
 * Without execute data (not run by the workflow engine) the item reads on its own.
 */
export function readsOfRun(ctx: IExecuteSingleFunctions): RunItem {
	const runKey = ctx.getExecuteData() as { data?: { main?: unknown[] } } | undefined;
	if (typeof runKey !== 'object' || runKey === null) return Object.assign(new Reads(), { done: () => {} });
	const itemIndex = ctx.getItemIndex();
	let run = runs.get(runKey);
	if (!run || run.started.has(itemIndex)) {
		run = { reads: new Reads(), items: inputItemCount(ctx, runKey), started: new Set(), done: 0 };
		runs.set(runKey, run);
	}
	run.started.add(itemIndex);
	const current = run;
	let finished = false;
	return {
		read: async (key, load) => await current.reads.read(key, load),
		list: (listCtx, settings, pageSize) => current.reads.list(listCtx, settings, pageSize),
		done() {
			if (finished) return;
			finished = true;
			if (++current.done >= current.items && runs.get(runKey) === current) runs.delete(runKey);
		},
	};
}

// ── A credential, for a minute ──────────────────────────────────────────────────────────────────────

const credentials = new Map<string, { readAt: number; reads: Reads; failed: boolean }>();

/** The pacer's key (credential and base URL) narrowed by a hash of the API key: a changed key never sees old reads. */
async function credentialKey(ctx: ApiContext): Promise<string> {
	const { pacerKey, secret } = await connectionOf(ctx);
	const keyHash = createHash('sha256')
		.update(secret ?? '')
		.digest('hex')
		.slice(0, 16);
	return `${pacerKey}#${keyHash}`;
}

/**
 * The reads of this credential, kept CREDENTIAL_READS_TTL_MS from the first one: the dropdowns of both
 * nodes read through it, so a round of typing or a second opening costs no request. A failed read ends
 * the copy: the next opening starts over.
 */
export async function readsOfCredential(ctx: ApiContext): Promise<SharedReads> {
	const key = await credentialKey(ctx);
	const now = Date.now();
	for (const [held, entry] of credentials) if (entry.failed || now - entry.readAt > CREDENTIAL_READS_TTL_MS) credentials.delete(held);
	let entry = credentials.get(key);
	if (!entry) {
		while (credentials.size >= MAX_CREDENTIALS) credentials.delete(credentials.keys().next().value as string);
		entry = { readAt: now, reads: new Reads(), failed: false };
		credentials.set(key, entry);
	}
	const current = entry;
	const failing = async <T>(pending: Promise<T>): Promise<T> => {
		let answered = false;
		try {
			const value = await pending;
			answered = true;
			return value;
		} finally {
			if (!answered) current.failed = true;
		}
	};
	return {
		read: async (readKey, load) => await failing(current.reads.read(readKey, load)),
		list(listCtx, settings, pageSize) {
			const list = current.reads.list(listCtx, settings, pageSize);
			return {
				...list,
				pages: async function* (from?: number) {
					const pages = list.pages(from);
					for (;;) {
						const step = await failing(pages.next());
						if (step.done) return;
						yield step.value;
					}
				},
				all: async () => await failing(list.all()),
			};
		},
	};
}

/**
 * A deep copy of an answer parsed from JSON, exact for every JSON value: n8n's deepCopy would drop fields
 * named "constructor", "prototype" or "__proto__", which the API's JSON may hold as ordinary fields.
 */
function copyJson<T>(value: T): T {
	return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * A copy of a shared error for one caller: same class, message and fields, its own context (where the
 * item index goes) and its own lists.
 */
function ownCopy(error: unknown): unknown {
	if (!(error instanceof Error)) return error;
	const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as Error & {
		context?: unknown;
		messages?: unknown;
	};
	if (typeof copy.context === 'object' && copy.context !== null) copy.context = { ...copy.context };
	if (Array.isArray(copy.messages)) copy.messages = [...(copy.messages as unknown[])];
	return copy;
}
