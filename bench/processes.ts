/**
 * `npm run bench:processes`: the fast, in-engine stand-in for queue mode. N child Node processes (each an
 * "n8n worker": its own pacer; test/harness/processes) run executions of the action node through n8n-core's WorkflowExecute at
 * the same moment, all with one credential, against one sandbox enforcing a scaled-down plan (20/s,
 * 300/min), the lenient kind (counts accepted requests) and the strict kind (counts rejected ones too).
 * Prints items ok / failed, 429s / requests, wall time and the ratio to the least time the limit allows.
 *   BENCH_PROCESSES="1,2"  process counts   BENCH_EXECUTIONS=4  BENCH_ITEMS=75 (per execution)
 *   BENCH_KINDS="lenient,strict"  BENCH_SPLIT="2,2" (executions per process; default: spread evenly)
 */
import './env';

import { generateNumbers } from '../test/sandbox/data';
import { ApiSandbox } from '../test/sandbox/server';
import { runInProcesses } from '../test/harness/processes';
import { leastTimeMs } from './limits';

const PLAN = { perSecond: 20, perMinute: 300 };
const API_KEY = 'bench-processes-key';

/** The least time the limit allows for `count` requests: the last one's second ends one second after it starts. */
export function leastWallMs(count: number, plan: { perSecond: number; perMinute: number }): number {
	return leastTimeMs(count, plan) + 1000;
}

export interface Row {
	setup: string;
	ok: number;
	failed: number;
	rejected: number;
	requests: number;
	wallMs: number;
	ratio: number;
	note: string;
}

async function runOnce(kind: 'lenient' | 'strict', processes: number, executions: number, items: number, split?: number[]): Promise<Row> {
	const sandbox = new ApiSandbox({ numbers: generateNumbers(items), rateLimit: PLAN, countRejected: kind === 'strict' });
	const baseUrl = await sandbox.start();
	sandbox.addApiKey(API_KEY);
	const shares =
		split ?? Array.from({ length: processes }, (_, p) => Math.floor(executions / processes) + (p < executions % processes ? 1 : 0));
	const credentials = { apiKey: API_KEY, baseUrl, plan: 'custom', requestsPerSecond: PLAN.perSecond, requestsPerMinute: PLAN.perMinute };
	// A number per item: items naming the same number share one read per run, which would leave nothing to pace.
	const input = generateNumbers(items).map((number) => ({ id: String(number.phoneNumberId) }));
	const id = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	try {
		const { outcomes, wallMs } = await runInProcesses(
			shares.map((count, p) => ({
				credentials,
				credentialId: 'shared-credential',
				parameters:
					p % 2 === 0
						? { resource: 'phoneNumber', operation: 'checkReadiness', phoneNumberId: id, recipients: 1000 }
						: { resource: 'phoneNumber', operation: 'get', phoneNumberId: id },
				executions: Array.from({ length: count }, () => input),
			})),
		);
		const executionsRun = outcomes.flat();
		const total = shares.reduce((a, b) => a + b, 0) * items;
		const ok = executionsRun.reduce((sum, e) => sum + (e.error ? 0 : e.items.filter((item) => item.error === undefined).length), 0);
		const inOrder = executionsRun.every((e) => e.items.length === items && e.paired.every((p, index) => p === index));
		const errors = [
			...new Set(
				executionsRun.flatMap((e) =>
					e.error ? [e.error] : e.items.filter((item) => item.error !== undefined).map((item) => String(item.error)),
				),
			),
		];
		return rowOf(`${processes} process(es), ${shares.join('+')} executions, ${kind}`, { total, ok, sandbox, wallMs, plan: PLAN }, [
			inOrder ? '' : 'OUT OF ORDER',
			errors[0] ?? '',
		]);
	} finally {
		await sandbox.stop();
	}
}

/** A row from what a run counted; the sandbox's log holds this run's requests only. */
export function rowOf(
	setup: string,
	run: { total: number; ok: number; sandbox: ApiSandbox; wallMs: number; plan: typeof PLAN },
	notes: string[],
): Row {
	return {
		setup,
		ok: run.ok,
		failed: run.total - run.ok,
		rejected: run.sandbox.requests.filter((r) => r.status === 429).length,
		requests: run.sandbox.requests.length,
		wallMs: run.wallMs,
		ratio: run.wallMs / leastWallMs(run.total, run.plan),
		note: notes.filter(Boolean).join('; '),
	};
}

export function printTable(rows: Row[]): void {
	const header = ['setup', 'items ok', 'failed', '429s / requests', 'wall time', 'ratio to least time', 'note'];
	const lines = rows.map((r) => [
		r.setup,
		String(r.ok),
		String(r.failed),
		`${r.rejected}/${r.requests} (${((100 * r.rejected) / Math.max(1, r.requests)).toFixed(1)} %)`,
		`${(r.wallMs / 1000).toFixed(1)} s`,
		`${r.ratio.toFixed(2)}×`,
		r.note,
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(format(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
	const counts = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);
	const kinds = (process.env.BENCH_KINDS ?? 'lenient,strict').split(',') as Array<'lenient' | 'strict'>;
	const executions = Number(process.env.BENCH_EXECUTIONS ?? 4);
	const items = Number(process.env.BENCH_ITEMS ?? 75);
	const split = process.env.BENCH_SPLIT?.split(',').map(Number);
	const total = executions * items;
	console.log(
		`${executions} executions × ${items} items, plan ${PLAN.perSecond}/s and ${PLAN.perMinute}/min; least time ${(leastWallMs(total, PLAN) / 1000).toFixed(1)} s`,
	);
	const rows: Row[] = [];
	for (const kind of kinds)
		for (const processes of counts)
			rows.push(await runOnce(kind, processes, executions, items, processes === split?.length ? split : undefined));
	printTable(rows);
	console.log(
		`node ${process.version}; loadavg ${(await import('node:os'))
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`,
	);
}

if (require.main === module) void main();
