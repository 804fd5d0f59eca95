/**
 * Section 11 of `npm run bench`: what reaches an AI agent per Output mode of the tool variant. n8n hands the
 * agent the node's items as one JSON array; its bytes are counted, and tokens estimated as bytes / 4.
 */
import { registerToolVariant, runActionNode } from '../test/harness/engine';
import { listParams, readinessParams } from '../test/harness/fixtures';
import { generateNumbers, uc025Numbers } from '../test/sandbox/data';
import { ApiSandbox, SANDBOX_API_KEY } from '../test/sandbox/server';

export const OUTPUT_MODES = ['raw', 'simplified', 'selected'] as const;
export const LIST_COUNT = 250;

export interface OutputSizeRow {
	operation: string;
	mode: (typeof OUTPUT_MODES)[number];
	items: number;
	bytes: number;
}

/** The JSON an agent reads for these items, in bytes. */
export function agentBytes(items: Array<{ json: unknown }>): number {
	return Buffer.byteLength(JSON.stringify(items.map((item) => item.json)));
}

export async function measureOutputSize(): Promise<OutputSizeRow[]> {
	const tool = registerToolVariant();
	const sandbox = new ApiSandbox({ numbers: generateNumbers(LIST_COUNT) });
	await sandbox.start();
	const credentials = {
		apiKey: SANDBOX_API_KEY,
		baseUrl: sandbox.baseUrl,
		plan: 'custom',
		requestsPerSecond: 1000,
		requestsPerMinute: 100_000,
	};
	const rows: OutputSizeRow[] = [];
	try {
		const cases = [
			{
				operation: `Get Many, Return All (${LIST_COUNT} numbers)`,
				parameters: listParams({ returnAll: true }),
				fields: ['status', 'messagingLimit'],
			},
			{ operation: 'Check Readiness (1 number)', parameters: readinessParams('waba-num-002', 5000), fields: ['ready', 'reasons'] },
		];
		for (const { operation, parameters, fields } of cases) {
			sandbox.numbers = operation.startsWith('Check') ? uc025Numbers() : generateNumbers(LIST_COUNT);
			for (const mode of OUTPUT_MODES) {
				const result = await runActionNode({ parameters: { ...parameters, output: mode, fields }, credentials, nodeType: tool });
				if (result.error) throw result.error;
				rows.push({ operation, mode, items: result.items.length, bytes: agentBytes(result.items) });
			}
		}
	} finally {
		await sandbox.stop();
	}
	return rows;
}
