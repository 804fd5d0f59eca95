/**
 * The API sandbox as the benchmark uses it: the project's ApiSandbox, with the list endpoint's summaries
 * built once per change of the data instead of on every request. The stock sandbox rebuilds the summaries
 * of every number on every list request (about 20 ms per request at 10,000 numbers), which would add
 * seconds of server time to both clients and hide what the client costs. Answers are checked to be
 * byte-identical to the stock sandbox's before any measurement.
 */
import { generateNumbers, type SandboxNumber } from '../test/sandbox/data';
import { ApiSandbox } from '../test/sandbox/server';

interface ListPage {
	phoneNumbers: unknown[];
	total: number;
}

interface ListPageOwner {
	listPage(query: URLSearchParams): ListPage;
	maxPageSize: number;
	defaultPageSize: number;
	numbers: SandboxNumber[];
}

export class BenchSandbox {
	readonly sandbox: ApiSandbox;
	private summaries: unknown[] | undefined;
	private readonly stockListPage: (query: URLSearchParams) => ListPage;

	constructor(count: number) {
		this.sandbox = new ApiSandbox({ numbers: generateNumbers(count) });
		const owner = this.sandbox as unknown as ListPageOwner;
		this.stockListPage = owner.listPage.bind(this.sandbox);
		this.verify(owner);
		owner.listPage = (query) => this.cachedListPage(owner, query);
	}

	/** The stock listPage with the page-size cap lifted: every summary, in order. */
	private allSummaries(owner: ListPageOwner): unknown[] {
		const cap = owner.maxPageSize;
		owner.maxPageSize = Number.MAX_SAFE_INTEGER;
		try {
			return this.stockListPage(new URLSearchParams({ page: '0', limit: String(Number.MAX_SAFE_INTEGER) })).phoneNumbers;
		} finally {
			owner.maxPageSize = cap;
		}
	}

	/** The same paging rules as ApiSandbox.listPage, over the cached summaries. */
	private cachedListPage(owner: ListPageOwner, query: URLSearchParams): ListPage {
		this.summaries ??= this.allSummaries(owner);
		const summaries = this.summaries;
		const page = Math.max(0, Number(query.get('page') ?? 0) || 0);
		const asked = Number(query.get('limit') ?? owner.defaultPageSize) || owner.defaultPageSize;
		const size = Math.min(Math.max(1, asked), owner.maxPageSize);
		return { phoneNumbers: summaries.slice(page * size, (page + 1) * size), total: summaries.length };
	}

	private verify(owner: ListPageOwner): void {
		const queries = [
			'page=0&limit=100',
			'page=7&limit=100',
			'page=99&limit=100',
			'page=1&limit=5',
			'page=3&limit=1000',
			'page=0',
			'page=x&limit=y',
		];
		for (const q of queries) {
			const query = new URLSearchParams(q);
			const stock = JSON.stringify(this.stockListPage(query));
			const cached = JSON.stringify(this.cachedListPage(owner, query));
			if (stock !== cached) throw new Error(`bench sandbox: cached list page differs from the stock sandbox for ?${q}`);
		}
	}

	/** Flips the status of `count` numbers spread over the list (ACTIVE ↔ PENDING); returns the IDs changed. */
	flipStatuses(count: number): string[] {
		const numbers = this.sandbox.numbers;
		const step = Math.max(1, Math.floor(numbers.length / count));
		const changed: string[] = [];
		for (let i = 0; i < numbers.length && changed.length < count; i += step) {
			const number = numbers[i];
			number.status = number.status === 'ACTIVE' ? 'PENDING' : 'ACTIVE';
			changed.push(String(number.phoneNumberId));
		}
		this.summaries = undefined;
		this.summaries = this.allSummaries(this.sandbox as unknown as ListPageOwner);
		return changed;
	}
}
