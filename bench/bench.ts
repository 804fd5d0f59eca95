/**
 * `npm run bench`: what the nodes cost beyond the network, side by side with a raw HTTP client (undici
 * doing the same requests and the same filtering in plain JS). The parent process starts the sandbox and
 * forks one fresh child per row and client (bench/rows.ts), so that rows do not pollute each other's
 * memory; it counts the requests each child makes and prints markdown tables:
 *   1. List (filters on) of 1,000 and 10,000 numbers, and Choose for Campaign, at 0 and 20 ms latency
 *   2. Get / Check Readiness of 200 items, pacing off and with the Production plan's pacing
 *   3. requests issued per operation against the least the API allows
 *   4. one trigger poll diffing 10,000 numbers
 *   5. memory for 10,000 numbers against the raw JSON's
 *   6. cold start and package size
 *   7. CPU profiles (--cpu-prof) of List 10,000 and Get × 200 at 0 ms: who spends the time
 *   8. what List would cost with pages of 500
 *   9. requests a run needs: 5,000 items naming 3 numbers, a trigger watching 2 of 10,000, side by side
 *      with n8n's HTTP Request node (bench/readsRows.ts)
 *  10. the number search (resource locator) over 10,000 numbers: requests per keystroke (bench/searchRequests.ts)
 * Each row and client runs in two fresh processes: one samples memory, one times the runs.
 * Environment: BENCH_RUNS (timed runs per row, default 5), BENCH_ONLY=1,3 (these sections only),
 * BENCH_QUICK=1 (fewer rows, a smoke test), BENCH_VERBOSE=1 (what each child took, on stderr).
 */
import './env';

import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

import { BenchSandbox } from './benchSandbox';
import { summarizeProfile, type ProfileSummary } from './cpuProfile';
import {
	type ChildResult,
	childMain,
	FLIPS_PER_POLL,
	LIST_FILTERS,
	type MemoryResult,
	PAGE_SIZE,
	type RowResult,
	type RowSpec,
	type Rpc,
	type TimingResult,
} from './rows';
import {
	ITEMS,
	LIST_ITEMS,
	type ListJob,
	productionFloorMs,
	readsChildMain,
	type ReadsResult,
	type ReadsSpec,
	runReadsRow,
	startReadsSandboxes,
} from './readsRows';
import { generateNumbers } from '../test/sandbox/data';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=1,7: only these sections (the rows section 3 needs are then run once). */
const ONLY = new Set((process.env.BENCH_ONLY ?? '1,2,3,4,5,6,7,8,9,10,11').split(',').map(Number));
/** Latency of the memory processes of sequential rows (list, choose, trigger). */
const MEMORY_MIN_LATENCY_MS = 10;
/** The sandbox's largest page (its default): what a client asking for more would get per request. */
const SANDBOX_MAX_PAGE = 500;

// ---------- running one row in a fresh child ----------

interface Sandboxes {
	/** By number count; the trigger's rows have their own (they change numbers between polls). */
	byKey: Map<string, BenchSandbox>;
}

const sandboxKey = (spec: RowSpec) => (spec.kind === 'trigger' ? `trigger-${spec.count}` : String(spec.count));

function runChild<M extends 'time' | 'memory'>(
	sandboxes: Sandboxes,
	spec: RowSpec,
	mode: M,
	execArgv: string[] = [],
): Promise<M extends 'time' ? TimingResult : MemoryResult> {
	const bench = sandboxes.byKey.get(sandboxKey(spec));
	if (!bench) throw new Error(`no sandbox for ${sandboxKey(spec)}`);
	// What a sequential read holds does not depend on latency; at ≥ 10 ms per page the live-heap sampler
	// (a full GC each time) gets to run between most pages.
	bench.sandbox.latencyMs = mode === 'memory' && spec.kind !== 'items' ? Math.max(spec.latencyMs, MEMORY_MIN_LATENCY_MS) : spec.latencyMs;
	const child = fork(__filename, ['--child', JSON.stringify(spec), mode, bench.sandbox.baseUrl], {
		execArgv: ['--expose-gc', ...execArgv],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return new Promise((resolvePromise, reject) => {
		let result: ChildResult | undefined;
		child.on('message', (message: { type: string; id?: number; call?: Rpc; result?: ChildResult }) => {
			if (message.type === 'rpc' && message.call) {
				const call = message.call;
				const value = call.op === 'requests' ? bench.sandbox.requests.length : bench.flipStatuses(call.count).length;
				child.send({ type: 'rpc-result', id: message.id, value });
			} else if (message.type === 'result') {
				result = message.result;
			}
		});
		child.on('exit', (code) => {
			bench.sandbox.resetLog();
			if (!result) return reject(new Error(`${mode} child for ${JSON.stringify(spec)} exited (${code}) without a result`));
			if (result.error) return reject(new Error(`${mode} child for ${JSON.stringify(spec)} failed: ${result.error}`));
			resolvePromise(result as M extends 'time' ? TimingResult : MemoryResult);
		});
	});
}

/** One row for one client: a memory process, then a timing process. */
async function measureRow(sandboxes: Sandboxes, spec: RowSpec): Promise<RowResult> {
	let started = performance.now();
	const memory = await runChild(sandboxes, spec, 'memory');
	const memoryS = (performance.now() - started) / 1000;
	started = performance.now();
	const timing = await runChild(sandboxes, spec, 'time');
	if (process.env.BENCH_VERBOSE) {
		console.error(
			`${JSON.stringify(spec)}: memory ${memoryS.toFixed(1)} s (${memory.memory.samples} samples, base heap ${fmtMb(memory.memory.baseHeap)}), time ${((performance.now() - started) / 1000).toFixed(1)} s`,
		);
	}
	return { ...memory, ...timing };
}

type WithoutClient<T> = T extends unknown ? Omit<T, 'client'> : never;

async function sideBySide(sandboxes: Sandboxes, spec: WithoutClient<RowSpec>): Promise<{ engine: RowResult; undici: RowResult }> {
	const engine = await measureRow(sandboxes, { ...spec, client: 'engine' } as RowSpec);
	const undici = await measureRow(sandboxes, { ...spec, client: 'undici' } as RowSpec);
	return { engine, undici };
}

// ---------- formatting ----------

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);
const fmtMb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fmtKb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const fmtRatio = (r: number) => `${r.toFixed(2)}×`;
const fmtInt = (n: number) => n.toLocaleString('en-US');

function table(header: string[], rows: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function print(title: string, text: string, notes: string[] = []): void {
	console.log(`\n### ${title}\n\n${text}`);
	if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
}

// ---------- the least requests ----------

/** Pages of `pageSize` needed to hold the first `needed` numbers (no empty page: the API sends `total`). */
const pagesFor = (needed: number, pageSize: number) => Math.max(1, Math.ceil(needed / pageSize));

const TIER_ORDER = ['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'UNLIMITED'];

/** Position (1-based) of the `k`-th number that passes the List filters. */
function positionOfMatch(count: number, k: number): number {
	const min = TIER_ORDER.indexOf(LIST_FILTERS.minMessagingLimit);
	let found = 0;
	const numbers = generateNumbers(count);
	for (let i = 0; i < numbers.length; i++) {
		const n = numbers[i];
		if (LIST_FILTERS.status.includes(String(n.status)) && TIER_ORDER.indexOf(String(n.messagingLimit)) >= min && ++found === k)
			return i + 1;
	}
	return count;
}

// ---------- cold start and size ----------

function coldStart(times: number): Record<string, number> {
	const samples: Array<Record<string, number>> = [];
	for (let i = 0; i < times; i++) {
		const out = execFileSync(process.execPath, [join(__dirname, 'coldStart.js')], { cwd: ROOT, encoding: 'utf8' });
		samples.push(JSON.parse(out) as Record<string, number>);
	}
	return Object.fromEntries(Object.keys(samples[0]).map((key) => [key, median(samples.map((s) => s[key]))]));
}

function dirSize(dir: string): { bytes: number; files: number; maps: number; declarations: number } {
	let bytes = 0;
	let files = 0;
	let maps = 0;
	let declarations = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			const sub = dirSize(path);
			bytes += sub.bytes;
			files += sub.files;
			maps += sub.maps;
			declarations += sub.declarations;
		} else {
			const size = statSync(path).size;
			bytes += size;
			files++;
			if (entry.name.endsWith('.map')) maps += size;
			if (entry.name.endsWith('.d.ts')) declarations += size;
		}
	}
	return { bytes, files, maps, declarations };
}

function packSize(): { size: number; unpackedSize: number; entryCount: number } {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	const [info] = JSON.parse(out) as Array<{ size: number; unpackedSize: number; entryCount: number }>;
	return info;
}

// ---------- CPU profile ----------

async function profile(sandboxes: Sandboxes, spec: RowSpec): Promise<{ summary: ProfileSummary; result: TimingResult }> {
	const dir = mkdtempSync(join(tmpdir(), 'agiletelecom-bench-prof-'));
	try {
		const result = await runChild(sandboxes, spec, 'time', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
		const [file] = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
		if (!file) throw new Error('no .cpuprofile written');
		const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Parameters<typeof summarizeProfile>[0];
		return { summary: summarizeProfile(data, result.windows), result };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// ---------- main ----------

function nodeCoreVersion(): string {
	return (JSON.parse(readFileSync(join(ROOT, 'node_modules/n8n-core/package.json'), 'utf8')) as { version: string }).version;
}

function undiciVersion(): string {
	return (JSON.parse(readFileSync(join(ROOT, 'node_modules/undici/package.json'), 'utf8')) as { version: string }).version;
}

type Pair = { engine: RowResult; undici: RowResult };

/** Rows measured so far, so that a section reuses another's (keyed by the spec without `runs`). */
class Rows {
	private readonly done = new Map<string, Pair>();

	constructor(private readonly sandboxes: Sandboxes) {}

	async pair(spec: WithoutClient<RowSpec>): Promise<Pair> {
		const key = JSON.stringify({ ...spec, runs: undefined });
		let pair = this.done.get(key);
		if (!pair) {
			pair = await sideBySide(this.sandboxes, spec);
			this.done.set(key, pair);
		}
		return pair;
	}
}

const listSpec = (count: number, latencyMs: number, runs = RUNS, extra: { filters?: boolean; limit?: number; pageSize?: number } = {}) =>
	({ kind: 'list', count, latencyMs, filters: true, runs, ...extra }) as const;
const chooseSpec = (latencyMs: number, runs = RUNS) => ({ kind: 'choose', count: 10_000, latencyMs, runs }) as const;
const triggerSpec = (runs = RUNS) => ({ kind: 'trigger', count: 10_000, latencyMs: 0, runs }) as const;

async function listSection(rows: Rows): Promise<void> {
	const lines: string[][] = [];
	const cases: Array<[number, number]> = QUICK
		? [
				[10_000, 0],
				[10_000, 20],
			]
		: [
				[1_000, 0],
				[1_000, 20],
				[10_000, 0],
				[10_000, 20],
			];
	for (const [count, latencyMs] of cases)
		lines.push(listRow(`List ${fmtInt(count)} (filters on)`, latencyMs, await rows.pair(listSpec(count, latencyMs))));
	for (const latencyMs of QUICK ? [0] : [0, 20])
		lines.push(listRow('Choose for Campaign over 10,000', latencyMs, await rows.pair(chooseSpec(latencyMs))));
	print('1. Reading the list: engine vs raw undici', table(LIST_HEADER, lines), [
		`filters: status ACTIVE, minimum messaging limit TIER_1K; Return All; pages of ${PAGE_SIZE} for both clients; pacing off (custom plan, 100,000 requests/s): the engine's overhead, not the plan's rate limit`,
		"peak RSS: the timing process's peak (getrusage, default GC), with n8n-core and the package loaded for the engine; peak heap Δ: the live heap's peak above its pre-run level (a full GC then heap used, every ≥ 10 ms of one run and at its end, in a separate process, at ≥ 10 ms latency)",
	]);
}

async function itemsSection(rows: Rows): Promise<void> {
	const lines: string[][] = [];
	const cases: Array<[number, boolean, number]> = QUICK
		? [[20, false, RUNS]]
		: [
				[0, false, RUNS],
				[20, false, RUNS],
				[20, true, 3],
			];
	for (const operation of ['get', 'checkReadiness'] as const) {
		for (const [latencyMs, paced, runs] of cases) {
			const pair = await rows.pair({ kind: 'items', operation, items: 200, count: 1_000, latencyMs, paced, runs });
			const name = `${operation === 'get' ? 'Get' : 'Check Readiness'} × 200, ${paced ? 'Production pacing' : 'pacing off'}${runs !== RUNS ? ` (${runs} runs)` : ''}`;
			lines.push(listRow(name, latencyMs, pair));
		}
	}
	print('2. 200 input items: engine vs raw undici at the same concurrency', table(LIST_HEADER, lines), [
		"pacing off: the engine starts all 200 items at once (n8n's routing node); undici sends the 200 requests at once (Promise.all)",
		'Production pacing (50 requests/s, 1,000/min): undici waits for the same pacer (nodes/shared/rateLimiter) before each request, so both start each request at the same time',
	]);
}

async function requestsSection(rows: Rows): Promise<void> {
	const limit5 = await rows.pair(listSpec(10_000, 0, 1, { filters: false, limit: 5 }));
	const limit5f = await rows.pair(listSpec(10_000, 0, 1, { limit: 5 }));
	const all = await rows.pair(listSpec(10_000, 0, 1));
	const choose = await rows.pair(chooseSpec(0, 1));
	const trigger = await rows.pair(triggerSpec(1));
	const fifthMatch = positionOfMatch(10_000, 5);
	const lines: Array<[string, Pair, number, number]> = [
		['List, limit 5, no filters, over 10,000', limit5, 1, 1],
		[
			`List, limit 5, filters on, over 10,000 (5th match: number ${fifthMatch})`,
			limit5f,
			pagesFor(fifthMatch, PAGE_SIZE),
			pagesFor(fifthMatch, SANDBOX_MAX_PAGE),
		],
		['List, Return All, filters on, over 10,000', all, pagesFor(10_000, PAGE_SIZE), pagesFor(10_000, SANDBOX_MAX_PAGE)],
		['Choose for Campaign over 10,000', choose, pagesFor(10_000, PAGE_SIZE), pagesFor(10_000, SANDBOX_MAX_PAGE)],
		['Trigger: one poll over 10,000', trigger, pagesFor(10_000, PAGE_SIZE), pagesFor(10_000, SANDBOX_MAX_PAGE)],
	];
	print(
		'3. Requests issued (counted by the sandbox)',
		table(
			[
				'operation',
				'node',
				'undici',
				`minimum at ${PAGE_SIZE}/page`,
				'node = minimum',
				`minimum at ${SANDBOX_MAX_PAGE}/page (sandbox cap)`,
			],
			lines.map(([name, pair, min, minCap]) => [
				name,
				fmtInt(pair.engine.requests),
				fmtInt(pair.undici.requests),
				fmtInt(min),
				pair.engine.requests === min ? 'yes' : 'NO',
				fmtInt(minCap),
			]),
		),
		[
			`minimum = pages needed to hold the numbers the operation must see, at the node's page size (${PAGE_SIZE}, MAX_PAGE_SIZE; the API's maximum is not documented); no trailing empty page, since the API sends total`,
			'Get / Check Readiness: one request per distinct number, the minimum (the list lacks the detail fields); section 2 counts 200 for 200 items naming 200 numbers',
		],
	);
}

async function triggerSection(rows: Rows): Promise<void> {
	const trigger = await rows.pair(triggerSpec());
	print(
		'4. Trigger: one poll diffing 10,000 numbers against the stored snapshot',
		table(
			['client', 'wall time (median)', 'ratio', 'peak RSS', 'peak heap Δ', 'heap retained', 'stored snapshot', 'requests', 'change items'],
			(['engine', 'undici'] as const).map((client) => {
				const r = trigger[client];
				return [
					client === 'engine' ? 'node via n8n-core PollContext' : 'undici + plain JS diff',
					fmtMs(median(r.times)),
					fmtRatio(median(r.times) / median(trigger.undici.times)),
					fmtMb(r.peakRss),
					fmtMb(r.memory.peakHeap),
					fmtMb(r.memory.retainedHeap),
					`${fmtKb(r.snapshotBytes ?? 0)} (${((r.snapshotBytes ?? 0) / 10_000).toFixed(0)} B/number)`,
					fmtInt(r.requests),
					fmtInt(r.outputItems),
				];
			}),
		),
		[
			`0 ms latency, pacing off; before each measured poll the sandbox flips the status of ${FLIPS_PER_POLL} numbers, so each poll emits ${FLIPS_PER_POLL} change items; snapshot = the trigger's static data as JSON`,
		],
	);
}

async function memorySection(rows: Rows): Promise<void> {
	const lines: string[][] = [];
	const counts = QUICK ? [10_000] : [1_000, 10_000];
	const pairs = new Map<number, Pair>();
	for (const count of counts) {
		const pair = await rows.pair(listSpec(count, 0, 1, { filters: false }));
		pairs.set(count, pair);
		for (const client of ['engine', 'undici'] as const)
			lines.push(memoryRow(`List ${fmtInt(count)}, no filters (every number output)`, client, count, pair[client], pair.undici.rawJson!));
	}
	const raw10k = pairs.get(10_000)!.undici.rawJson!;
	const filtered = await rows.pair(listSpec(10_000, 0));
	lines.push(
		memoryRow(`List 10,000, filters on (${fmtInt(filtered.engine.outputItems)} output)`, 'engine', 10_000, filtered.engine, raw10k),
	);
	const notes = [...pairs].map(
		([count, pair]) =>
			`raw JSON of ${fmtInt(count)} numbers (list fields): ${fmtMb(pair.undici.rawJson!.textBytes)} as text, ${fmtMb(pair.undici.rawJson!.heapBytes)} of heap once parsed (${fmtInt(Math.round(pair.undici.rawJson!.heapBytes / count))} B/number)`,
	);
	const small = pairs.get(1_000);
	const large = pairs.get(10_000)!;
	if (small) {
		const slope = (client: 'engine' | 'undici') => (large[client].memory.peakHeap - small[client].memory.peakHeap) / 9_000;
		notes.push(
			`linearity: from 1,000 to 10,000 numbers the peak live heap grows by ${fmtInt(Math.round(slope('engine')))} B per added number through the engine and ${fmtInt(Math.round(slope('undici')))} B with undici (raw JSON: ${fmtInt(Math.round(raw10k.heapBytes / 10_000))} B/number); the per-number figures at 1,000 carry the fixed cost of one execution`,
		);
	}
	notes.push(
		'retained: what the run leaves reachable after a full GC (the engine keeps the output items in its run data, as n8n does until the execution ends)',
	);
	print(
		'5. Memory against the raw JSON',
		table(
			['operation', 'client', 'peak live heap Δ', 'per number', 'retained after GC', 'per number', 'peak Δ / raw JSON heap', 'peak RSS'],
			lines,
		),
		notes,
	);
}

function memoryRow(
	name: string,
	client: 'engine' | 'undici',
	count: number,
	r: RowResult,
	raw: NonNullable<RowResult['rawJson']>,
): string[] {
	return [
		name,
		client === 'engine' ? 'node via engine' : 'undici',
		fmtMb(r.memory.peakHeap),
		`${fmtInt(Math.round(r.memory.peakHeap / count))} B`,
		fmtMb(r.memory.retainedHeap),
		`${fmtInt(Math.round(r.memory.retainedHeap / count))} B`,
		fmtRatio(r.memory.peakHeap / raw.heapBytes),
		fmtMb(r.peakRss),
	];
}

function coldStartSection(): void {
	const times = QUICK ? 3 : 7;
	const cold = coldStart(times);
	const dist = dirSize(join(ROOT, 'dist'));
	const pack = packSize();
	print(
		'6. Cold start and size',
		table(
			['measure', 'value'],
			[
				['require n8n-workflow (already loaded in any n8n)', fmtMs(cold.n8nWorkflow)],
				['require the action node (after n8n-workflow)', fmtMs(cold.actionNode)],
				['require the trigger (after the action node)', fmtMs(cold.trigger)],
				['require the credential', fmtMs(cold.credential)],
				['package total (node + trigger + credential)', fmtMs(cold.package)],
				['npm pack: packed size', `${fmtKb(pack.size)} (${pack.entryCount} files)`],
				['npm pack: unpacked size', fmtKb(pack.unpackedSize)],
				['dist/', `${fmtKb(dist.bytes)} in ${dist.files} files (source maps ${fmtKb(dist.maps)}, .d.ts ${fmtKb(dist.declarations)})`],
			],
		),
		[`require times: median of ${times} fresh processes`],
	);
}

async function profileSection(sandboxes: Sandboxes): Promise<void> {
	const list = await profile(sandboxes, {
		kind: 'list',
		client: 'engine',
		count: 10_000,
		latencyMs: 0,
		filters: true,
		runs: QUICK ? 5 : 20,
	});
	const get = await profile(sandboxes, {
		kind: 'items',
		client: 'engine',
		operation: 'get',
		items: 200,
		count: 1_000,
		latencyMs: 0,
		paced: false,
		runs: QUICK ? 5 : 20,
	});
	const own = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'ownCode.js')], { cwd: ROOT, encoding: 'utf8' })) as Record<
		string,
		number
	>;
	const tables = (title: string, { summary, result }: { summary: ProfileSummary; result: TimingResult }, frames: number) => {
		const share = (ms: number) => `${((100 * ms) / summary.busyMs).toFixed(1)}%`;
		const perRun = (ms: number) => fmtMs(ms / result.times.length);
		return [
			`${title}, ${result.times.length} runs: busy ${perRun(summary.busyMs)} per run of ${fmtMs(median(result.times))} wall (median, profiler on)`,
			table(
				['owner', 'CPU per run', 'share'],
				summary.owners.map(([owner, ms]) => [owner, perRun(ms), share(ms)]),
			),
			table(
				['top self-time frames', 'CPU per run', 'share'],
				summary.frames.slice(0, frames).map(([frame, ms]) => [frame, perRun(ms), share(ms)]),
			),
			table(
				["this package's frames", 'CPU per run', 'share'],
				summary.packageFrames.slice(0, 6).map(([frame, ms]) => [frame, perRun(ms), share(ms)]),
			),
		];
	};
	print(
		'7. CPU profiles (node --cpu-prof), engine side, 0 ms latency, pacing off',
		[
			...tables('**List 10,000 (filters on)**', list, 15),
			...tables('**Get × 200 items**', get, 10),
			table(
				["the package's own code on 10,000 numbers, no I/O (dist/, best of 25)", 'package', 'least plain JS'],
				[
					['JSON.parse of the 100 pages', fmtMs(own.parse), fmtMs(own.parse)],
					[
						'List: parse + filters (ACTIVE, ≥ TIER_1K) + tier fields and dataWarnings',
						fmtMs(own.listPackage),
						`${fmtMs(own.listPlain)} (parse + filters)`,
					],
					['List, no filters: parse + tier fields and dataWarnings on every number', fmtMs(own.allPackage), `${fmtMs(own.parse)} (parse)`],
					[`Trigger: diff 10,000 against the snapshot (${FLIPS_PER_POLL} changes) + new snapshot as JSON`, fmtMs(own.triggerPackage), '–'],
				],
			),
		].join('\n\n'),
		[
			'owners: native frames (socket writes, …) count for the JavaScript frame that called them; parseJson is JSON.parse, the one cost the raw client shares; module loading, warm-up and the memory run are cut out of the profile',
		],
	);
}

async function pageSizeSection(rows: Rows): Promise<void> {
	const lines: string[][] = [];
	for (const latencyMs of QUICK ? [20] : [0, 20]) {
		for (const pageSize of [PAGE_SIZE, SANDBOX_MAX_PAGE]) {
			const pair = await rows.pair(listSpec(10_000, latencyMs, RUNS, pageSize === PAGE_SIZE ? {} : { pageSize }));
			lines.push(listRow(`List 10,000 (filters on), ${pageSize} per page`, latencyMs, pair));
		}
	}
	print(
		`8. What if MAX_PAGE_SIZE were ${SANDBOX_MAX_PAGE} (set in memory for this row only; constants.ts unchanged)`,
		table(LIST_HEADER, lines),
		[
			`the sandbox serves up to ${SANDBOX_MAX_PAGE} per page; a server with a lower cap is followed by the node (readPhoneNumberPages adapts to the size of the first page)`,
		],
	);
}

async function readsSection(): Promise<void> {
	const sandboxes = await startReadsSandboxes();
	try {
		const runs = QUICK ? 1 : 3;
		const row = (spec: ReadsSpec) => runReadsRow(__filename, sandboxes, spec);
		const perRun = (r: ReadsResult) => (new Set(r.requests).size === 1 ? fmtInt(r.requests[0]) : r.requests.map(fmtInt).join(' / '));
		const itemLines: string[][] = [];
		let peerNode = '';
		for (const operation of ['get', 'checkReadiness'] as const) {
			const r = await row({ kind: 'items', client: 'node', operation, runs });
			const name = operation === 'get' ? 'Get' : 'Check Readiness';
			itemLines.push([
				`this node: ${name}`,
				perRun(r),
				fmtInt(r.refused),
				`${fmtMs(median(r.times))} (measured, Production plan enforced)`,
			]);
		}
		const http = await row({ kind: 'items', client: 'http', operation: 'get', runs });
		peerNode = http.httpRequestNode ?? '';
		const floor = productionFloorMs(http.requests[0]);
		itemLines.push([
			'HTTP Request: GET per item',
			perRun(http),
			'–',
			`≥ ${Math.floor(floor / 60_000)} min ${Math.round((floor % 60_000) / 1000)} s (computed: the least the plan allows for ${fmtInt(http.requests[0])} requests); ${fmtMs(median(http.times))} with no rate limit (measured)`,
		]);
		print(
			`9a. ${fmtInt(ITEMS)} items naming 3 numbers: requests and wall time`,
			table(['client', 'requests per run', '429s', 'wall time (median)'], itemLines),
			[
				`both through n8n-core's WorkflowExecute (test/harness); peer: ${peerNode}, loaded from the real n8n that scripts/n8n installs; median of ${runs} runs after a warm-up run`,
				"this node: the credential's Production plan (50 requests/s, 1,000/min), which the sandbox enforces too (a 429 beyond it); Check Readiness with each item's own recipients; its wall time is n8n's own per-item work (a context, expressions and an output item per item), not its 3 requests",
				`the HTTP Request node does not pace: under the enforced plan most of its ${fmtInt(ITEMS)} requests would be refused, so it runs against a sandbox without a rate limit, and its time under the plan is computed (request k no sooner than k/50 s and than 60 s after request k − 1,000); running it paced (Options → Batching) would take as long, about five minutes, too long for this bench. One read per item by this node (before one read per distinct number) cost the same ${fmtInt(ITEMS)} requests`,
			],
		);
		const pollLines: string[][] = [];
		const polls: Array<[string, ReadsSpec]> = [
			['this trigger, watching 2', { kind: 'poll', client: 'node', watch: 2, runs }],
			['this trigger, watching none (the list)', { kind: 'poll', client: 'node', watch: 0, runs }],
			['HTTP Request: the list, Pagination option (pages of 100)', { kind: 'poll', client: 'httpList', watch: 2, runs }],
			['HTTP Request: GET of the 2 watched numbers', { kind: 'poll', client: 'httpDetails', watch: 2, runs }],
		];
		for (const [name, spec] of polls) {
			const r = await row(spec);
			pollLines.push([name, perRun(r), fmtMs(median(r.times))]);
		}
		print(
			'9b. One poll over an account of 10,000 numbers: requests per poll',
			table(['reader', 'requests per poll', 'wall time per poll (median)'], pollLines),
			[
				"pacing off (custom plan), 0 ms latency; polls after the first (the first reads the list: baseline and the list's page count)",
				"the trigger reads the detail endpoint while it watches fewer numbers than the list's pages at its last list read (here 100), else the list; the HTTP Request rows count only the peer's reads (it would also need a node to compare with the last poll)",
			],
		);
		const listLines: string[][] = [];
		const jobs: Array<[ListJob, string]> = [
			['choose', `Choose for Campaign × ${LIST_ITEMS.choose} items (each its own recipients and brand)`],
			['list', `List × ${LIST_ITEMS.list} items, Return All, each its own status filter`],
			['dropdown', "the trigger's dropdown opened twice within a minute"],
		];
		for (const [job, name] of jobs) {
			const node = await row({ kind: 'lists', client: 'node', job, runs });
			// The peer reads the whole list per item: 1 timed run (10,000 requests for the Choose row).
			const peer = await row({ kind: 'lists', client: 'http', job, runs: 1 });
			const peerFloor = productionFloorMs(peer.requests[0]);
			listLines.push([
				name,
				perRun(node),
				fmtMs(median(node.times)),
				'100',
				fmtInt(peer.requests[0]),
				`${fmtMs(median(peer.times))} unpaced; ≥ ${fmtMs(peerFloor)} under the plan`,
			]);
		}
		print(
			'9c. The list read by many items, over an account of 10,000 numbers (100 pages)',
			table(
				['what', 'this node: requests', 'this node: wall time', 'minimum', 'HTTP Request: requests', 'HTTP Request: wall time'],
				listLines,
			),
			[
				'this node under the Production plan (it paces itself: 50 requests/s), 0 ms latency, median of the timed runs after a warm-up run; each timed dropdown row uses a credential of its own (no copy from the warm-up)',
				'HTTP Request: the whole list per input item (Pagination option, pages of 100), as a workflow without this node does it before filtering or choosing; run unpaced against a sandbox without a rate limit, one timed run; its time under the plan is computed as in 9a',
				'minimum: the pages of the list, read once',
			],
		);
	} finally {
		await sandboxes.stop();
	}
}

async function searchSection(): Promise<void> {
	// Loaded here: the parent process holds n8n-core only once the other sections are done.
	const { measureSearch } = await import('./searchRequests');
	const { rows, before } = await measureSearch();
	print(
		'10. Number search (resource locator) over 10,000 numbers: requests per keystroke, counted by the sandbox',
		table(
			[
				'what the user does, in order',
				'keystrokes',
				'requests per keystroke',
				'in all',
				'per keystroke (mean)',
				'before: whole list on every call',
			],
			rows.map(({ scenario, keystrokes, requests, scrolled }) => {
				const total = requests.reduce((a, b) => a + b, 0);
				return [
					scenario,
					String(keystrokes),
					requests.join(' '),
					fmtInt(total),
					keystrokes ? (total / keystrokes).toFixed(2) : '-',
					fmtInt(before * (keystrokes || (scrolled ? 0 : 1))),
				];
			}),
		),
		[
			'before: opening read all 100 pages and so did every keystroke; scrolling cost nothing, everything was already there',
			'the search keeps a per-credential copy of the pages it read for a minute and reads only as far as one answer needs (10 matches, or 100 numbers unfiltered); a filter that matches fewer numbers reads the rest of the list once',
		],
	);
}

async function outputSizeSection(): Promise<void> {
	const { measureOutputSize } = await import('./outputSize');
	const rows = await measureOutputSize();
	const raw = (operation: string) => rows.find((r) => r.operation === operation && r.mode === 'raw')?.bytes ?? 0;
	print(
		'11. What reaches an AI agent per Output mode (tool variant): bytes and estimated tokens',
		table(
			['operation', 'Output', 'items', 'bytes', 'bytes per item', 'tokens (≈ bytes / 4)', 'of Raw'],
			rows.map(({ operation, mode, items, bytes }) => [
				operation,
				mode === 'selected' ? 'Selected Fields' : mode === 'raw' ? 'Raw' : 'Simplified (default)',
				String(items),
				fmtInt(bytes),
				fmtInt(Math.round(bytes / items)),
				fmtInt(Math.round(bytes / 4)),
				`${Math.round((100 * bytes) / raw(operation))} %`,
			]),
		),
		[
			"bytes of the JSON array of the node's items, which n8n passes to the agent as the tool's answer (the MCP e2e test measures the same over a real n8n); Selected Fields: Get Many with status and messagingLimit, Check Readiness with ready and reasons, each plus the ID",
			'tokens: a rough estimate, a quarter of the bytes, as for English and JSON with most tokenizers',
		],
	);
}

async function main(): Promise<void> {
	const started = performance.now();
	const sandboxes: Sandboxes = { byKey: new Map() };
	for (const [key, count] of [
		['1000', 1_000],
		['10000', 10_000],
		['trigger-10000', 10_000],
	] as const) {
		const bench = new BenchSandbox(count);
		await bench.sandbox.start();
		sandboxes.byKey.set(key, bench);
	}
	const cpu = cpus()[0]?.model ?? 'unknown';
	console.log(
		`npm run bench: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${fmtMb(totalmem())} RAM, Node ${process.version}, n8n-core ${nodeCoreVersion()}, undici ${undiciVersion()}, load average ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`,
	);
	console.log(
		`Wall time: median of ${RUNS} runs after one warm-up run (fewer where a row says so). Every row and client runs in two fresh processes, one sampling memory, one timing.`,
	);

	const rows = new Rows(sandboxes);
	if (ONLY.has(1)) await listSection(rows);
	if (ONLY.has(2)) await itemsSection(rows);
	if (ONLY.has(3)) await requestsSection(rows);
	if (ONLY.has(4)) await triggerSection(rows);
	if (ONLY.has(5)) await memorySection(rows);
	if (ONLY.has(6)) coldStartSection();
	if (ONLY.has(7)) await profileSection(sandboxes);
	if (ONLY.has(8)) await pageSizeSection(rows);
	if (ONLY.has(9)) await readsSection();
	if (ONLY.has(10)) await searchSection();
	if (ONLY.has(11)) await outputSizeSection();

	for (const bench of sandboxes.byKey.values()) await bench.sandbox.stop();
	console.log(
		`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`,
	);
	process.exit(0);
}

const LIST_HEADER = [
	'operation',
	'latency',
	'engine (median)',
	'undici (median)',
	'ratio',
	'peak RSS engine / undici',
	'peak heap Δ engine / undici',
	'requests',
];

function listRow(name: string, latencyMs: number, { engine, undici }: { engine: RowResult; undici: RowResult }): string[] {
	const e = median(engine.times);
	const u = median(undici.times);
	return [
		name,
		`${latencyMs} ms`,
		fmtMs(e),
		fmtMs(u),
		fmtRatio(e / u),
		`${fmtMb(engine.peakRss)} / ${fmtMb(undici.peakRss)}`,
		`${fmtMb(engine.memory.peakHeap)} / ${fmtMb(undici.memory.peakHeap)}`,
		engine.requests === undici.requests ? fmtInt(engine.requests) : `${fmtInt(engine.requests)} / ${fmtInt(undici.requests)}`,
	];
}

if (require.main === module) {
	const index = process.argv.indexOf('--child');
	const reads = process.argv.indexOf('--reads-child');
	if (index !== -1) void childMain(process.argv[index + 1], process.argv[index + 2], process.argv[index + 3]);
	else if (reads !== -1) void readsChildMain(process.argv[reads + 1], process.argv[reads + 2]);
	else void main();
}
