/**
 * What one child process of `npm run bench` measures: one row, one client (n8n-core's engine running the
 * package, or undici doing the same requests by hand), in one mode. The child loads what it needs and runs
 * the operation once to warm up; then a memory child runs it once more sampling the live heap and counting
 * requests, a timing child `runs` more times for wall time.
 */
import './env';

import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { Agent, request } from 'undici';

import type { TestCredentials } from '../test/harness/engine';
import { SANDBOX_API_KEY } from '../test/sandbox/server';

// Loaded only by the rows that use them, so that the raw client's process holds neither n8n-core nor
// n8n-workflow and its memory is the least possible.
const engine = () => import('../test/harness/engine');
const pacer = () => import('../nodes/shared/rateLimiter');

export const LIST_PATH = '/api/message-server/whatsapp/phone-numbers';
/** The node's page size (nodes/shared/constants.ts MAX_PAGE_SIZE); the raw client reads the same pages. */
export const PAGE_SIZE = 100;
export const PRODUCTION = { perSecond: 50, perMinute: 1_000 };
export const LIST_FILTERS = { status: ['ACTIVE'], minMessagingLimit: 'TIER_1K' };
export const TRIGGER_EVENTS = ['statusChanged', 'qualityRatingChanged', 'messagingLimitChanged', 'numberAdded', 'numberRemoved'];
export const FLIPS_PER_POLL = 100;

export type Client = 'engine' | 'undici';

export type RowSpec =
	| { kind: 'list'; client: Client; count: number; latencyMs: number; filters: boolean; runs: number; limit?: number; pageSize?: number }
	| {
			kind: 'items';
			client: Client;
			operation: 'get' | 'checkReadiness';
			items: number;
			count: number;
			latencyMs: number;
			paced: boolean;
			runs: number;
	  }
	| { kind: 'choose'; client: Client; count: number; latencyMs: number; runs: number }
	| { kind: 'trigger'; client: Client; count: number; latencyMs: number; runs: number };

export interface MemoryUse {
	/** Heap used after loading and one warm-up run, after a full GC. */
	baseHeap: number;
	/** Peak live heap during one run minus baseHeap: heap used right after a full GC (LiveHeapSampler). */
	peakHeap: number;
	/** Heap used after the run and a full GC (the last sample), the run's result still held, minus baseHeap. */
	retainedHeap: number;
	/** Live-heap samples taken during the run. */
	samples: number;
}

export interface TimingResult {
	times: number[];
	/** Peak RSS of the timing process (getrusage maxrss; default GC settings): what n8n's process needs. */
	peakRss: number;
	/** RSS after loading and the warm-up run. */
	baseRss: number;
	/** process.hrtime (µs) around each timed run, to cut a CPU profile to them. */
	windows: Array<[number, number]>;
}

export interface MemoryResult {
	memory: MemoryUse;
	/** Requests the sandbox saw during the measured run. */
	requests: number;
	outputItems: number;
	/** Bytes of the trigger's stored snapshot (JSON), for trigger rows. */
	snapshotBytes?: number;
	/** Heap of every number of the list as JSON.parse returns them (list rows of the raw client only). */
	rawJson?: { textBytes: number; heapBytes: number };
}

export type RowResult = TimingResult & MemoryResult;

export type ChildResult = (TimingResult | MemoryResult) & { error?: string };

/** What the child may ask the parent, which owns the sandbox. */
export type Rpc = { op: 'requests' } | { op: 'flip'; count: number };

let rpcId = 0;
const pending = new Map<number, (value: unknown) => void>();
process.on('message', (message: { type?: string; id?: number; value?: unknown }) => {
	if (message.type === 'rpc-result' && message.id !== undefined) {
		pending.get(message.id)?.(message.value);
		pending.delete(message.id);
	}
});

function rpc<T>(call: Rpc): Promise<T> {
	const id = ++rpcId;
	return new Promise((resolve) => {
		pending.set(id, resolve as (value: unknown) => void);
		process.send!({ type: 'rpc', id, call });
	});
}

/** Full GCs (two by default, so that what the first one's finalizers released goes too). */
const gc = (times = 2): void => {
	const collect = (globalThis as { gc?: () => void }).gc;
	if (!collect) throw new Error('run the child with --expose-gc');
	for (let i = 0; i < times; i++) collect();
};

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

// ---- the raw client: undici, keep-alive connections, plain JS ----

const TIER_RANK: Record<string, number> = {
	TIER_50: 0,
	TIER_250: 1,
	TIER_1K: 2,
	TIER_2K: 3,
	TIER_10K: 4,
	TIER_100K: 5,
	UNLIMITED: 6,
	TIER_UNLIMITED: 6,
};
const TIER_CAPACITY: Record<string, number> = {
	TIER_50: 50,
	TIER_250: 250,
	TIER_1K: 1_000,
	TIER_2K: 2_000,
	TIER_10K: 10_000,
	TIER_100K: 100_000,
	UNLIMITED: Infinity,
	TIER_UNLIMITED: Infinity,
};

type Json = Record<string, unknown>;

class RawClient {
	private readonly dispatcher = new Agent();

	constructor(private readonly baseUrl: string) {}

	async getJson(path: string): Promise<unknown> {
		const response = await request(`${this.baseUrl}${path}`, {
			dispatcher: this.dispatcher,
			headers: { 'x-api-key': SANDBOX_API_KEY, accept: 'application/json' },
		});
		if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} for ${path}`);
		return await response.body.json();
	}

	/** Every page of `pageSize` numbers, stopping as the node does: on a short page or once `total` is read. */
	async *pages(pageSize = PAGE_SIZE): AsyncGenerator<Json[]> {
		let read = 0;
		for (let page = 0; ; page++) {
			const body = (await this.getJson(`${LIST_PATH}?page=${page}&limit=${pageSize}`)) as { phoneNumbers: Json[]; total: number };
			read += body.phoneNumbers.length;
			yield body.phoneNumbers;
			if (body.phoneNumbers.length < pageSize || read >= body.total) return;
		}
	}

	async list(filters: boolean, limit = Infinity, pageSize = PAGE_SIZE): Promise<Json[]> {
		const out: Json[] = [];
		const minRank = TIER_RANK[LIST_FILTERS.minMessagingLimit];
		for await (const page of this.pages(filters || limit === Infinity ? pageSize : Math.min(limit, pageSize))) {
			for (const n of page) {
				if (filters && (n.status !== 'ACTIVE' || !((TIER_RANK[n.messagingLimit as string] ?? -1) >= minRank))) continue;
				out.push(n);
				if (out.length >= limit) return out;
			}
		}
		return out;
	}

	detail(id: string): Promise<unknown> {
		return this.getJson(`${LIST_PATH}/${encodeURIComponent(id)}`);
	}

	async close(): Promise<void> {
		await this.dispatcher.close();
	}
}

function readiness(n: Json, recipients: number): Json {
	const reasons: string[] = [];
	if (n.status !== 'ACTIVE' && n.status !== 'CONNECTED') reasons.push(`status ${String(n.status)}`);
	if (n.qualityRating !== 'GREEN') reasons.push(`quality ${String(n.qualityRating)}`);
	if (!((TIER_CAPACITY[n.messagingLimit as string] ?? -1) >= recipients)) reasons.push(`tier ${String(n.messagingLimit)}`);
	return { ...n, ready: reasons.length === 0, reasons };
}

// ---- one operation, for either client ----

type RunOnce = (run: number) => Promise<{ output: number; keep: unknown; snapshotBytes?: number }>;

function credentials(baseUrl: string, paced: boolean): TestCredentials {
	return paced
		? { apiKey: SANDBOX_API_KEY, baseUrl, plan: 'production' }
		: // Pacing off: the engine's own overhead, not the plan's rate limit.
			{ apiKey: SANDBOX_API_KEY, baseUrl, plan: 'custom', requestsPerSecond: 100_000, requestsPerMinute: 1_000_000 };
}

function itemIds(items: number, count: number): string[] {
	const step = Math.max(1, Math.floor(count / items));
	return Array.from({ length: items }, (_, i) => `gen-${String((i * step) % count).padStart(6, '0')}`);
}

async function operation(spec: RowSpec, baseUrl: string, raw: RawClient): Promise<RunOnce> {
	const unpaced = credentials(baseUrl, false);
	const { createPoller, loadPackage, runActionNode, PACKAGE_ROOT } =
		spec.client === 'engine' ? await engine() : ({} as Awaited<ReturnType<typeof engine>>);
	if (spec.client === 'engine' && spec.kind === 'list' && spec.pageSize !== undefined) {
		// What-if rows only: the built package's page size, changed in this process's memory before loading.
		(createRequire(__filename)(resolve(PACKAGE_ROOT, 'dist/nodes/shared/constants.js')) as { MAX_PAGE_SIZE: number }).MAX_PAGE_SIZE =
			spec.pageSize;
	}
	if (spec.client === 'engine') await loadPackage();
	switch (spec.kind) {
		case 'list': {
			const parameters = {
				resource: 'phoneNumber',
				operation: 'list',
				...(spec.limit === undefined ? { returnAll: true } : { returnAll: false, limit: spec.limit }),
				filters: spec.filters ? LIST_FILTERS : {},
			};
			if (spec.client === 'undici') {
				return async () => {
					const out = await raw.list(spec.filters, spec.limit, spec.pageSize);
					return { output: out.length, keep: out };
				};
			}
			return async (run) => {
				const result = await runActionNode({ parameters, credentials: unpaced, credentialId: `list-${run}` });
				if (result.error) throw result.error;
				return { output: result.items.length, keep: result };
			};
		}
		case 'items': {
			const ids = itemIds(spec.items, spec.count);
			const recipients = 1000;
			if (spec.client === 'undici') {
				const { acquireTurn, observeResponse } = await pacer();
				return async (run) => {
					const key = `raw-${run}`;
					const out = await Promise.all(
						ids.map(async (id) => {
							// The same start times as the node's: the node's own pacer, per item, all items at once.
							const ticket = spec.paced ? await acquireTurn(key, PRODUCTION) : undefined;
							const n = (await raw.detail(id)) as Json;
							if (ticket) observeResponse(key, PRODUCTION, ticket, { statusCode: 200, headers: {} });
							return spec.operation === 'checkReadiness' ? readiness(n, recipients) : n;
						}),
					);
					return { output: out.length, keep: out };
				};
			}
			const parameters = {
				resource: 'phoneNumber',
				operation: spec.operation,
				phoneNumberId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				...(spec.operation === 'checkReadiness' ? { recipients } : {}),
			};
			const items = ids.map((id) => ({ id }));
			return async (run) => {
				const result = await runActionNode({
					parameters,
					credentials: credentials(baseUrl, spec.paced),
					items,
					credentialId: `items-${run}`,
				});
				if (result.error) throw result.error;
				const failed = result.items.filter((i) => i.json.error !== undefined || i.error !== undefined).length;
				if (failed) throw new Error(`${failed} items failed`);
				return { output: result.items.length, keep: result };
			};
		}
		case 'choose': {
			if (spec.client === 'undici') {
				return async () => {
					let best: Json | undefined;
					for await (const page of raw.pages()) {
						for (const n of page) {
							const verdict = readiness(n, 1000);
							if (
								verdict.ready &&
								(!best || (TIER_CAPACITY[n.messagingLimit as string] ?? -1) > (TIER_CAPACITY[best.messagingLimit as string] ?? -1))
							)
								best = n;
						}
					}
					return { output: best ? 1 : 0, keep: best };
				};
			}
			const parameters = { resource: 'phoneNumber', operation: 'chooseForCampaign', recipients: 1000 };
			return async (run) => {
				const result = await runActionNode({ parameters, credentials: unpaced, credentialId: `choose-${run}` });
				if (result.error) throw result.error;
				return { output: result.items.length, keep: result };
			};
		}
		case 'trigger': {
			if (spec.client === 'undici') {
				// The least a poller must do: read every page, compare the watched fields with the last
				// snapshot, keep the new snapshot as JSON.
				type Entry = [unknown, unknown, unknown, unknown];
				let previous: Map<string, Entry> | undefined;
				const poll = async () => {
					const next = new Map<string, Entry>();
					const changes: Json[] = [];
					for await (const page of raw.pages()) {
						for (const n of page) {
							const id = String(n.phoneNumberId);
							const entry: Entry = [n.status ?? null, n.qualityRating ?? null, n.messagingLimit ?? null, n.displayName ?? null];
							next.set(id, entry);
							const before = previous?.get(id);
							if (previous && !before) changes.push({ event: 'numberAdded', phoneNumberId: id, current: n });
							else if (before) {
								if (before[0] !== entry[0]) changes.push({ event: 'statusChanged', phoneNumberId: id, previous: before, current: n });
								if (before[1] !== entry[1])
									changes.push({ event: 'qualityRatingChanged', phoneNumberId: id, previous: before, current: n });
								if (before[2] !== entry[2])
									changes.push({ event: 'messagingLimitChanged', phoneNumberId: id, previous: before, current: n });
							}
						}
					}
					if (previous)
						for (const [id, before] of previous)
							if (!next.has(id)) changes.push({ event: 'numberRemoved', phoneNumberId: id, previous: before });
					previous = next;
					const stored = JSON.stringify(Object.fromEntries(next));
					return { changes, stored };
				};
				await poll(); // baseline
				return async () => {
					await rpc({ op: 'flip', count: FLIPS_PER_POLL });
					const { changes, stored } = await poll();
					if (changes.length !== FLIPS_PER_POLL) throw new Error(`raw poll saw ${changes.length} changes`);
					return { output: changes.length, keep: changes, snapshotBytes: Buffer.byteLength(stored) };
				};
			}
			const poller = await createPoller({ events: TRIGGER_EVENTS }, unpaced, 'trigger');
			const baseline = await poller.poll('trigger');
			if (baseline !== null) throw new Error('the first poll should only store a baseline');
			return async () => {
				await rpc({ op: 'flip', count: FLIPS_PER_POLL });
				const changes = await poller.poll('trigger');
				if (changes?.length !== FLIPS_PER_POLL) throw new Error(`poll saw ${changes?.length ?? 0} changes`);
				return { output: changes.length, keep: changes, snapshotBytes: Buffer.byteLength(JSON.stringify(poller.staticData())) };
			};
		}
	}
}

/**
 * Samples the live heap between two turns of the event loop (e.g. between two pages): a full GC, then the
 * heap used. Work done synchronously between two samples (e.g. the trigger's diff after the last page) is
 * not seen, only its result. The next sample comes 10 ms later, or as long as the last GC took when that
 * is longer, so that the GCs (slow with n8n-core's large heap) take at most half the run. Slows the run
 * down, which is why memory has its own process; the run's end, with its result held, is always sampled.
 */
class LiveHeapSampler {
	peakHeap = 0;
	/** The last sample's heap used. */
	last = 0;
	samples = 0;
	private timer: NodeJS.Timeout | undefined;
	private stopped = false;

	start(): void {
		this.stopped = false;
		this.tick();
	}

	private tick(): void {
		const gcMs = this.sample();
		if (!this.stopped) this.timer = setTimeout(() => this.tick(), Math.max(10, gcMs));
	}

	/** Returns how long the GC took (ms). */
	sample(): number {
		const started = performance.now();
		gc(1);
		const gcMs = performance.now() - started;
		this.samples++;
		this.last = process.memoryUsage().heapUsed;
		if (this.last > this.peakHeap) this.peakHeap = this.last;
		return gcMs;
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}
}

/** The heap that every number of the list takes as JSON.parse returns it, and its size as text. */
async function rawJsonSize(raw: RawClient): Promise<{ textBytes: number; heapBytes: number }> {
	let textBytes = 0;
	for await (const page of raw.pages()) textBytes += Buffer.byteLength(JSON.stringify(page));
	gc();
	const before = process.memoryUsage().heapUsed;
	const all: Json[] = [];
	for await (const page of raw.pages()) all.push(...page);
	gc();
	const heapBytes = process.memoryUsage().heapUsed - before;
	if (all.length === 0) throw new Error('empty list');
	return { textBytes, heapBytes };
}

/** Runs once, holding nothing of the result afterwards (an awaited value can stay alive in the caller's frame). */
async function discard(runOnce: RunOnce, run: number): Promise<void> {
	await runOnce(run);
}

async function measureMemory(spec: RowSpec, runOnce: RunOnce, raw: RawClient): Promise<MemoryResult> {
	await discard(runOnce, 0); // warm-up: JIT, lazily loaded modules, keep-alive connections (undici)
	gc();
	const baseHeap = process.memoryUsage().heapUsed;
	const sampler = new LiveHeapSampler();
	const before = await rpc<number>({ op: 'requests' });
	sampler.start();
	let measured: Awaited<ReturnType<RunOnce>> | undefined = await runOnce(1);
	sampler.stop();
	const requests = (await rpc<number>({ op: 'requests' })) - before;
	sampler.sample(); // the end of the run: its result still held
	const retainedHeap = sampler.last - baseHeap;
	const { output: outputItems, snapshotBytes } = measured;
	measured = undefined;
	const rawJson =
		spec.kind === 'list' && spec.client === 'undici' && !spec.filters && spec.limit === undefined ? await rawJsonSize(raw) : undefined;
	return {
		memory: { baseHeap, peakHeap: sampler.peakHeap - baseHeap, retainedHeap, samples: sampler.samples },
		requests,
		outputItems,
		snapshotBytes,
		rawJson,
	};
}

async function measureTime(spec: RowSpec, runOnce: RunOnce): Promise<TimingResult> {
	await discard(runOnce, 0);
	const baseRss = process.memoryUsage().rss;
	const times: number[] = [];
	const windows: Array<[number, number]> = [];
	for (let run = 1; run <= spec.runs; run++) {
		gc();
		const from = nowUs();
		const started = performance.now();
		await discard(runOnce, run);
		times.push(performance.now() - started);
		windows.push([from, nowUs()]);
	}
	return { times, windows, baseRss, peakRss: process.resourceUsage().maxRSS * 1024 };
}

export async function runRow(spec: RowSpec, mode: 'time' | 'memory', baseUrl: string): Promise<TimingResult | MemoryResult> {
	const raw = new RawClient(baseUrl);
	try {
		const runOnce = await operation(spec, baseUrl, raw);
		return mode === 'memory' ? await measureMemory(spec, runOnce, raw) : await measureTime(spec, runOnce);
	} finally {
		await raw.close();
	}
}

/** Child entry: `bench.js --child '<spec json>' time|memory <baseUrl>`. */
export async function childMain(specJson: string, mode: string, baseUrl: string): Promise<void> {
	try {
		const result = await runRow(JSON.parse(specJson) as RowSpec, mode === 'memory' ? 'memory' : 'time', baseUrl);
		process.send!({ type: 'result', result });
	} catch (error) {
		process.send!({ type: 'result', result: { error: error instanceof Error ? (error.stack ?? error.message) : String(error) } });
	}
	// Let the IPC message leave before exiting (--cpu-prof writes its profile on exit).
	setTimeout(() => process.exit(0), 50);
}
