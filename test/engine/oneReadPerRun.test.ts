import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { type SandboxNumber, uc025Numbers } from '../sandbox/data';
import { ACTION_NODE, runActionNode } from '../harness/engine';
import { byId, expectNoSecret, getParams, readinessParams, useSandbox } from '../harness/fixtures';
import { outputOf, runWorkflow, testNodeType } from '../harness/workflow';

const DETAIL = '/api/message-server/whatsapp/phone-numbers/';
const paired = (items: INodeExecutionData[]) => items.map((i) => (i.pairedItem as { item: number }).item);

/**
 * Get and Check Readiness read each distinct number once per run of the node, and still give every item
 * its own answer. Requests are counted by the sandbox.
 */
describe('one read per distinct number in a run', () => {
	const { sandbox, credentials } = useSandbox();
	const detailPaths = () =>
		sandbox()
			.requests.filter((r) => r.endpoint === 'detail')
			.map((r) => r.path.slice(DETAIL.length));

	beforeEach(() => {
		sandbox().numbers = [
			...uc025Numbers(),
			// Nested fields: a shallow copy per item would still share them.
			{
				phoneNumberId: 'nested-1',
				status: 'ACTIVE',
				qualityRating: 'YELLOW',
				messagingLimit: 'TIER_1K',
				throughput: { level: 'STANDARD' },
				tags: ['a'],
			},
			// Field names that a careless deep copy drops or turns into a prototype.
			JSON.parse(
				'{"phoneNumberId": "odd-keys", "status": "ACTIVE", "constructor": "c", "prototype": {"p": 1}, "__proto__": {"x": 1}}',
			) as SandboxNumber,
		];
	});

	const getByExpression = (items: IDataObject[], onError?: 'continueRegularOutput' | 'continueErrorOutput') =>
		runActionNode({ parameters: getParams('={{ $json.id }}', { simplify: false }), credentials: credentials(), items, onError });

	it('duplicates mixed with distinct IDs: one request per distinct ID, every item its own result in order', async () => {
		const order = ['waba-num-001', 'waba-num-002', 'waba-num-001', 'waba-num-003', 'waba-num-002', 'waba-num-001', 'nested-1', 'nested-1'];
		const result = await getByExpression(order.map((id) => ({ id })));
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.phoneNumberId)).toEqual(order);
		expect(paired(result.items)).toEqual(order.map((_, i) => i));
		expect(detailPaths().sort()).toEqual(['nested-1', 'waba-num-001', 'waba-num-002', 'waba-num-003']);
		// No two items share an object, nor a nested one.
		const jsons = result.items.map((i) => i.json);
		expect(new Set(jsons).size).toBe(jsons.length);
		expect(jsons[6].throughput).toEqual({ level: 'STANDARD' });
		expect(jsons[6].throughput).not.toBe(jsons[7].throughput);
		expect(jsons[6].tags).not.toBe(jsons[7].tags);
		expectNoSecret(result);
	});

	it('gives the same results, item by item, as one run per item', async () => {
		const order = Array.from(
			{ length: 30 },
			(_, i) => ['waba-num-003', ' waba-num-001', 'nested-1', 'waba-num-002 ', 'odd-keys'][(i * 7) % 5],
		);
		const shared = await getByExpression(order.map((id) => ({ id })));
		expect(sandbox().count('detail')).toBe(5);
		const separate: IDataObject[] = [];
		for (const id of order) {
			const alone = await runActionNode({ parameters: getParams(id, { simplify: false }), credentials: credentials() });
			expect(alone.error).toBeUndefined();
			separate.push(alone.items[0].json);
		}
		expect(sandbox().count('detail')).toBe(5 + order.length);
		expect(shared.items.map((i) => i.json)).toEqual(separate);
		expect(JSON.stringify(shared.items.map((i) => i.json))).toBe(JSON.stringify(separate));
		const odd = shared.items.find((i) => i.json.phoneNumberId === 'odd-keys')!.json;
		expect(Object.keys(odd)).toEqual(expect.arrayContaining(['constructor', 'prototype', '__proto__']));
	});

	it('5,000 Check Readiness items naming 3 numbers: 3 requests, each item what a read of its own returns', async () => {
		const ids = ['waba-num-001', 'waba-num-002 ', 'nested-1'];
		const recipients = [100, 5_000, 50_000];
		const qualities = ['GREEN', 'YELLOW'];
		const items = Array.from({ length: 5_000 }, (_, i) => ({
			id: ids[i % 3],
			n: recipients[Math.floor(i / 3) % 3],
			q: qualities[Math.floor(i / 9) % 2],
		}));
		const parameters = readinessParams('={{ $json.id }}', '={{ $json.n }}' as never, { minQualityRating: '={{ $json.q }}' });
		const shared = await runActionNode({ parameters, credentials: credentials(), items });
		expect(shared.error).toBeUndefined();
		expect(sandbox().count('detail')).toBe(3);
		expect(paired(shared.items)).toEqual(items.map((_, i) => i));
		// A separate read of each distinct input (the sandbox does not change meanwhile, so every item with
		// that input would get the same answer from a read of its own).
		const alone = new Map<string, IDataObject>();
		for (const item of items) {
			const key = JSON.stringify(item);
			if (alone.has(key)) continue;
			const result = await runActionNode({ parameters, credentials: credentials(), items: [item] });
			alone.set(key, result.items[0].json);
		}
		expect(alone.size).toBe(18);
		shared.items.forEach((item, i) => expect(item.json).toEqual(alone.get(JSON.stringify(items[i]))));
		expect(new Set(shared.items.map((i) => i.json.ready))).toEqual(new Set([true, false]));
	});

	it('an expression giving the same ID with different whitespace is one read', async () => {
		const variants = ['waba-num-001', ' waba-num-001', 'waba-num-001  ', '\twaba-num-001\n'];
		const result = await getByExpression(variants.map((id) => ({ id })));
		expect(result.items.map((i) => i.json.phoneNumberId)).toEqual(variants.map(() => 'waba-num-001'));
		expect(detailPaths()).toEqual(['waba-num-001']);
	});

	it('a 404 ID repeated: one request, an error item in each of its places, each with its own error', async () => {
		const order = ['waba-num-999', 'waba-num-001', 'waba-num-999', ' waba-num-999', 'waba-num-001', ''];
		const result = await getByExpression(
			order.map((id) => ({ id })),
			'continueRegularOutput',
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.phoneNumberId ?? i.json.error)).toEqual([
			'Phone number not found: waba-num-999 [item 0]',
			'waba-num-001',
			'Phone number not found: waba-num-999 [item 2]',
			'Phone number not found: waba-num-999 [item 3]',
			'waba-num-001',
			"The 'Phone Number' parameter is empty [item 5]",
		]);
		expect(paired(result.items)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(detailPaths().sort()).toEqual(['waba-num-001', 'waba-num-999']);
		expectNoSecret(result);
	});

	it('error output: each failed item carries its own error object with its own item index', async () => {
		const order = ['waba-num-999', 'waba-num-001', 'waba-num-999', 'waba-num-999'];
		const result = await getByExpression(
			order.map((id) => ({ id })),
			'continueErrorOutput',
		);
		expect(result.items.map((i) => i.json.phoneNumberId)).toEqual(['waba-num-001']);
		expect(paired(result.errorItems)).toEqual([0, 2, 3]);
		const errors = result.errorItems.map(
			(i) => i.error as unknown as { message: string; httpCode: string; context: { itemIndex: number } },
		);
		expect(new Set(errors).size).toBe(3);
		expect(errors.map((e) => [e.message, e.httpCode, e.context.itemIndex])).toEqual([
			['Phone number not found: waba-num-999 [item 0]', '404', 0],
			['Phone number not found: waba-num-999 [item 2]', '404', 2],
			['Phone number not found: waba-num-999 [item 3]', '404', 3],
		]);
		expect(sandbox().count('detail')).toBe(2);
	});

	it('Check Readiness: one read, each item its own verdict from its own recipients and minimum quality', async () => {
		const items = [
			{ id: 'waba-num-001', n: 5_000, q: 'GREEN' },
			{ id: 'waba-num-001', n: 50_000, q: 'GREEN' },
			{ id: 'nested-1', n: 100, q: 'GREEN' },
			{ id: 'nested-1', n: 100, q: 'YELLOW' },
			{ id: 'nested-1', n: 5_000, q: 'YELLOW' },
			{ id: 'waba-num-001', n: 10_000, q: 'YELLOW' },
		];
		const result = await runActionNode({
			parameters: readinessParams('={{ $json.id }}', '={{ $json.n }}' as never, { minQualityRating: '={{ $json.q }}' }),
			credentials: credentials(),
			items,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.phoneNumberId, i.json.ready])).toEqual([
			['waba-num-001', true],
			['waba-num-001', false],
			['nested-1', false],
			['nested-1', true],
			['nested-1', false],
			['waba-num-001', true],
		]);
		expect(result.items[1].json.reasons).not.toEqual(result.items[0].json.reasons);
		expect(paired(result.items)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(sandbox().count('detail')).toBe(2);
	});

	it('a later node that changes one item does not change another', async () => {
		const mutate = testNodeType('MutateFirst', 1, (_ctx, items) => {
			// What a Code node editing its input in place does.
			items[0].json.status = 'CHANGED';
			(items[0].json.throughput as IDataObject).level = 'CHANGED';
			(items[0].json.tags as string[]).push('changed');
			return [items];
		});
		const run = await runWorkflow({
			nodes: [
				{ name: 'Agile', type: ACTION_NODE, parameters: getParams('={{ $json.id }}', { simplify: false }) },
				{ name: 'Mutate', type: mutate },
			],
			connections: [['Agile', 0, 'Mutate']],
			items: [{ id: 'nested-1' }, { id: 'nested-1' }, { id: ' nested-1 ' }],
			credentials: credentials(),
		});
		expect(run.data.resultData.error).toBeUndefined();
		const [out] = outputOf(run, 'Mutate');
		expect(out.map((i) => [i.json.status, (i.json.throughput as IDataObject).level, i.json.tags])).toEqual([
			['CHANGED', 'CHANGED', ['a', 'changed']],
			['ACTIVE', 'STANDARD', ['a']],
			['ACTIVE', 'STANDARD', ['a']],
		]);
		expect(sandbox().count('detail')).toBe(1);
	});

	it('Options → Batching (items spaced out over time) still shares one read among the items of the run', async () => {
		const items = Array.from({ length: 6 }, () => ({ id: 'waba-num-003' }));
		const result = await runActionNode({
			parameters: getParams('={{ $json.id }}', { requestOptions: { batching: { batch: { batchSize: 2, batchInterval: 30 } } } }),
			credentials: credentials(),
			items,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.phoneNumberId)).toEqual(items.map((i) => i.id));
		expect(sandbox().count('detail')).toBe(1);
	});

	it('two executions do not share: each reads again and sees the change between them', async () => {
		const items = [{ id: 'waba-num-002' }, { id: 'waba-num-002' }];
		const first = await getByExpression(items);
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
		const second = await getByExpression(items);
		expect(first.items.map((i) => i.json.status)).toEqual(['PENDING', 'PENDING']);
		expect(second.items.map((i) => i.json.status)).toEqual(['ACTIVE', 'ACTIVE']);
		expect(sandbox().count('detail')).toBe(2);
	});

	it('a node that runs twice in one execution (a loop) reads again on its second run', async () => {
		let turns = 0;
		const loop = testNodeType('LoopOnce', 2, (_ctx, items) => {
			turns++;
			if (turns > 1) return [[], items];
			// Between the two runs the number changes: the second run must not reuse the first run's read.
			sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
			return [items.map((i) => ({ json: { id: i.json.phoneNumberId } })), []];
		});
		const run = await runWorkflow({
			nodes: [
				{
					name: 'Agile',
					type: ACTION_NODE,
					parameters: { resource: 'phoneNumber', operation: 'get', phoneNumberId: byId('={{ $json.id }}') },
				},
				{ name: 'Loop', type: loop },
			],
			connections: [
				['Agile', 0, 'Loop'],
				['Loop', 0, 'Agile'],
			],
			items: [{ id: 'waba-num-002' }, { id: 'waba-num-001' }, { id: 'waba-num-002' }],
			credentials: credentials(),
		});
		expect(run.data.resultData.error).toBeUndefined();
		const runs = outputOf(run, 'Agile');
		expect(runs.map((items) => items.map((i) => i.json.status))).toEqual([
			['PENDING', 'ACTIVE', 'PENDING'],
			['ACTIVE', 'ACTIVE', 'ACTIVE'],
		]);
		expect(detailPaths()).toHaveLength(4);
	});

	it('Retry On Fail runs the node again and reads again', async () => {
		sandbox().inject({ type: 'status', status: 500 }, 1, 'detail');
		const run = await runWorkflow({
			nodes: [
				{ name: 'Agile', type: ACTION_NODE, parameters: getParams('={{ $json.id }}'), retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			],
			connections: [],
			items: [{ id: 'waba-num-001' }, { id: 'waba-num-001' }],
			credentials: credentials(),
		});
		expect(run.data.resultData.error).toBeUndefined();
		expect(outputOf(run, 'Agile')[0].map((i) => i.json.phoneNumberId)).toEqual(['waba-num-001', 'waba-num-001']);
		expect(sandbox().requests.map((r) => r.status)).toEqual([500, 200]);
	});
});
