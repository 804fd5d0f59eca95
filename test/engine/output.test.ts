import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { MAX_SIMPLIFIED_FIELDS, SIMPLIFIED_NUMBER_FIELDS } from '../../nodes/shared/outputFields';
import { ACTION_NODE, PACKAGE_NAME, PACKAGE_ROOT, registerToolVariant, runActionNode } from '../harness/engine';
import { chooseParams, getParams, listParams, readinessParams, useSandbox } from '../harness/fixtures';
import { generateNumbers, uc025Numbers } from '../sandbox/data';

const TOOL_NODE = registerToolVariant();

const PLANNER_FIELDS = [...SIMPLIFIED_NUMBER_FIELDS];
const VERDICT = ['ready', 'reasons', 'action'];

describe('Simplify and the tool Output through the engine', () => {
	const { sandbox, credentials } = useSandbox();
	const run = (parameters: INodeParameters, nodeType = ACTION_NODE, items?: Array<Record<string, unknown>>) =>
		runActionNode({ parameters, credentials: credentials(), nodeType, items: items as never });

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it.each([
		['Get', getParams('waba-num-001'), PLANNER_FIELDS],
		['Check Readiness', readinessParams('waba-num-002', 5000), [...PLANNER_FIELDS, ...VERDICT]],
		['Choose for Campaign', chooseParams(5000, { nameContains: 'ShopItalia' }), [...PLANNER_FIELDS, ...VERDICT]],
	])('%s: Simplify (on by default) gives at most 10 fields, most used first', async (_, parameters, fields) => {
		const simple = await run(parameters);
		expect(simple.error).toBeUndefined();
		expect(Object.keys(simple.items[0].json)).toEqual(fields);
		expect(fields.length).toBeLessThanOrEqual(MAX_SIMPLIFIED_FIELDS);
		const raw = await run({ ...parameters, simplify: false });
		expect(Object.keys(raw.items[0].json).length).toBeGreaterThan(MAX_SIMPLIFIED_FIELDS);
		// Same values: Simplify only leaves fields out.
		expect(raw.items[0].json).toMatchObject(simple.items[0].json);
	});

	it('Get Many (10 fields per number) has no Simplify: every field, as before', async () => {
		const result = await run(listParams({ simplify: true }));
		expect(Object.keys(result.items[0].json)).toEqual(expect.arrayContaining(['verifiedName', 'platform', 'messagingLimitUnlimited']));
	});

	it('the tool variant: Output Simplified by default, Raw, or Selected Fields always with the ID', async () => {
		const simplified = await run(getParams('waba-num-001'), TOOL_NODE);
		expect(Object.keys(simplified.items[0].json)).toEqual(PLANNER_FIELDS);
		// Simplify is not the tool's parameter: the tool reads Output only.
		const ignored = await run(getParams('waba-num-001', { simplify: false }), TOOL_NODE);
		expect(Object.keys(ignored.items[0].json)).toEqual(PLANNER_FIELDS);
		const raw = await run(getParams('waba-num-001', { output: 'raw' }), TOOL_NODE);
		expect(Object.keys(raw.items[0].json)).toHaveLength(14);
		const selected = await run(readinessParams('waba-num-002', 5000, { output: 'selected', fields: ['ready', 'reasons'] }), TOOL_NODE);
		expect(selected.items[0].json).toEqual({ phoneNumberId: 'waba-num-002', ready: false, reasons: expect.any(Array) });
		const idOnly = await run(listParams({ output: 'selected', fields: [] }), TOOL_NODE);
		expect(idOnly.items.map((i) => i.json)).toEqual(uc025Numbers().map(({ phoneNumberId }) => ({ phoneNumberId })));
	});

	it('the tool variant: Get Many over 250 numbers is smaller per mode (Raw > Simplified > Selected Fields)', async () => {
		sandbox().numbers = generateNumbers(250);
		const bytes: Record<string, number> = {};
		for (const output of ['raw', 'simplified', 'selected']) {
			const result = await run(listParams({ returnAll: true, output, fields: ['status'] }), TOOL_NODE);
			expect(result.items).toHaveLength(250);
			bytes[output] = Buffer.byteLength(JSON.stringify(result.items.map((i) => i.json)));
		}
		expect(bytes.raw).toBeGreaterThan(bytes.simplified);
		expect(bytes.simplified).toBeGreaterThan(bytes.selected);
	});
});

/**
 * The example workflows as saved, which predate Simplify and Output: every Agile Telecom node in them runs in
 * the engine with its saved parameters, and every field the example's expressions read from `$json` is in its
 * output. (examples/06's tools take their values from an agent; the MCP e2e test runs them.)
 */
describe('the example workflows run unchanged', () => {
	const { sandbox, credentials } = useSandbox();
	const examplesDir = join(PACKAGE_ROOT, 'examples');
	const examples = readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) }));
	const agileNodes = examples.flatMap(({ file, workflow }) =>
		(workflow.nodes as Array<{ type: string; name: string; parameters: INodeParameters }>)
			.filter((node) => node.type === ACTION_NODE)
			.map((node) => ({ file, node, workflow })),
	);

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('no example sets Simplify, Output or Fields: they run on the defaults', () => {
		expect(agileNodes.length).toBeGreaterThanOrEqual(4);
		for (const { node } of agileNodes) expect(Object.keys(node.parameters)).not.toEqual(expect.arrayContaining(['simplify']));
		const all = JSON.stringify(examples.map((e) => e.workflow.nodes.map((n: { parameters: object }) => Object.keys(n.parameters))));
		expect(all).not.toMatch(/"(simplify|output|fields)"/);
	});

	it.each(agileNodes.map(({ file, node, workflow }) => [file, node.name, node, workflow]))(
		'%s › %s: runs, and has every field the next nodes read',
		async (_file, _name, node, workflow) => {
			// examples/05 splits a list of IDs into one item each before the node.
			const items = JSON.stringify(workflow).includes('waba-num-999') ? [{ ids: 'waba-num-001' }, { ids: 'waba-num-003' }] : [{}];
			const result = await runActionNode({ parameters: node.parameters, credentials: credentials(), items: items as never });
			expect(result.error).toBeUndefined();
			expect(result.items.length).toBeGreaterThan(0);
			const downstream = JSON.stringify(workflow.nodes.filter((n: { type: string }) => !n.type.startsWith(PACKAGE_NAME)));
			const read = [...downstream.matchAll(/\$json\.(\w+)/g)].map((m) => m[1]).filter((field) => field !== 'ids' && field !== 'event');
			const triggerFields = ['summary', 'direction']; // read from the trigger's items in examples/04
			for (const field of read.filter((f) => !triggerFields.includes(f))) {
				for (const item of result.items) expect(item.json).toHaveProperty(field);
			}
		},
	);
});
