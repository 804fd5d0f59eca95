/**
 * `npm run bench:limits`: 500 items through Get and through Check Readiness, via n8n-core's engine,
 * against the sandbox enforcing a scaled-down plan (20 requests/s, 300/min) with 429s above it, and the
 * same 500 items through a plain declarative node (no pacing, no retries) for comparison.
 * Prints a table: items ok / failed, 429s received, wall time, and wall time / the least time the limit allows.
 */
import './env';

import { generateNumbers } from '../test/sandbox/data';
import { ApiSandbox } from '../test/sandbox/server';
import { registerNodeType, runActionNode } from '../test/harness/engine';
import { customPlanCredentials } from '../test/harness/fixtures';
import { PLAIN_NODE_TYPE, PlainDeclarativeGet } from './plainDeclarativeNode';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 500);
const PLAN = { perSecond: 20, perMinute: 300 };

/** Start time of the last of `count` requests when each starts as early as both windows allow. */
export function leastTimeMs(count: number, plan: { perSecond: number; perMinute: number }): number {
	const starts: number[] = [];
	for (let k = 0; k < count; k++) {
		let t = 0;
		if (k >= plan.perSecond) t = Math.max(t, starts[k - plan.perSecond] + 1000);
		if (k >= plan.perMinute) t = Math.max(t, starts[k - plan.perMinute] + 60_000);
		starts.push(t);
	}
	return starts[count - 1] ?? 0;
}

interface Row {
	scenario: string;
	ok: number;
	failed: number;
	rateLimited: number;
	wallMs: number;
	ratio: number;
}

async function measure(
	sandbox: ApiSandbox,
	scenario: string,
	apiKey: string,
	run: (credentials: Record<string, unknown>) => ReturnType<typeof runActionNode>,
): Promise<Row> {
	const credentials = customPlanCredentials(sandbox, apiKey, PLAN);
	sandbox.resetLog();
	const started = performance.now();
	const result = await run(credentials);
	const wallMs = performance.now() - started;
	const failed = result.error ? ITEMS : result.items.filter((i) => i.json.error !== undefined).length;
	return {
		scenario,
		ok: result.error ? 0 : result.items.length - failed,
		failed,
		rateLimited: sandbox.requests.filter((r) => r.status === 429).length,
		wallMs,
		ratio: wallMs / leastTimeMs(ITEMS, PLAN),
	};
}

async function main(): Promise<void> {
	const sandbox = new ApiSandbox({ numbers: generateNumbers(ITEMS), rateLimit: PLAN });
	await sandbox.start();
	registerNodeType(PLAIN_NODE_TYPE, new PlainDeclarativeGet());
	// A number per item: items naming the same number share one read per run, which would leave nothing to pace.
	const items = generateNumbers(ITEMS).map((number) => ({ id: String(number.phoneNumberId) }));
	const byId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	const rows: Row[] = [];
	console.log(
		`${ITEMS} items, sandbox plan ${PLAN.perSecond} requests/s and ${PLAN.perMinute}/min; least possible time ${(leastTimeMs(ITEMS, PLAN) / 1000).toFixed(1)} s`,
	);

	rows.push(
		await measure(sandbox, 'plain declarative node (no limiter)', 'bench-key-plain', (credentials) =>
			runActionNode({
				nodeType: PLAIN_NODE_TYPE,
				parameters: { phoneNumberId: '={{ $json.id }}' },
				credentials: credentials as never,
				items,
				onError: 'continueRegularOutput',
				credentialId: 'bench-plain',
			}),
		),
	);
	rows.push(
		await measure(sandbox, 'Get', 'bench-key-get', (credentials) =>
			runActionNode({
				parameters: { resource: 'phoneNumber', operation: 'get', phoneNumberId: byId },
				credentials: credentials as never,
				items,
				onError: 'continueRegularOutput',
				credentialId: 'bench-get',
			}),
		),
	);
	rows.push(
		await measure(sandbox, 'Check Readiness', 'bench-key-readiness', (credentials) =>
			runActionNode({
				parameters: { resource: 'phoneNumber', operation: 'checkReadiness', phoneNumberId: byId, recipients: 1000 },
				credentials: credentials as never,
				items,
				onError: 'continueRegularOutput',
				credentialId: 'bench-readiness',
			}),
		),
	);
	await sandbox.stop();

	const header = ['scenario', 'items ok', 'failed', '429s', 'wall time', 'ratio to least time'];
	const lines = rows.map((r) => [
		r.scenario,
		String(r.ok),
		String(r.failed),
		String(r.rateLimited),
		`${(r.wallMs / 1000).toFixed(1)} s`,
		`${r.ratio.toFixed(2)}×`,
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(format(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const line of lines) console.log(format(line));
	console.log(`node ${process.version}; plain row: the engine's 429 message replaces the API's, and items fail`);
	process.exit(0);
}

if (require.main === module) void main();
