import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { generateNumbers } from '../sandbox/data';
import { ACTION_NODE, loadTriggerOptions, runActionNode, searchList } from '../harness/engine';
import { chooseParams, expectNoSecret, fakeDateOnly, listParams, useSandbox } from '../harness/fixtures';
import { outputOf, runWorkflow, testNodeType } from '../harness/workflow';

const paired = (items: INodeExecutionData[]) => items.map((i) => (i.pairedItem as { item: number }).item);
const STATUSES = ['ACTIVE', 'PENDING', 'FLAGGED', 'CONNECTED'];

/**
 * The items of one run read the number list once, however many of them need it, and the dropdowns of
 * one credential read it once a minute. Page requests are counted by the sandbox (1,000 numbers, pages
 * of 100).
 */
describe('one list read per run, and per credential for a minute', () => {
	const { sandbox, credentials } = useSandbox();
	beforeEach(() => {
		sandbox().numbers = generateNumbers(1_000);
	});
	const pagesRead = () => sandbox().count('list');
	const activeIds = () =>
		sandbox()
			.numbers.filter((n) => n.status === 'ACTIVE')
			.map((n) => n.phoneNumberId);

	it('Choose for Campaign × 50 items, each its own campaign: 10 page requests, each item what a run of its own chooses', async () => {
		const campaigns = Array.from({ length: 50 }, (_, i) => ({
			recipients: [100, 1_500, 9_000, 50_000, 200][i % 5],
			brand: `Brand ${i % 10}`,
		}));
		const parameters = chooseParams(0, { recipients: '={{ $json.recipients }}', nameContains: '={{ $json.brand }}' });
		const shared = await runActionNode({ parameters, credentials: credentials(), items: campaigns, onError: 'continueRegularOutput' });
		expect(shared.error).toBeUndefined();
		expect(pagesRead()).toBe(10);
		expect(shared.items).toHaveLength(50);
		expect(paired(shared.items)).toEqual(campaigns.map((_, i) => i));
		const jsons = shared.items.map((i) => i.json);
		expect(new Set(jsons).size).toBe(50);
		// The same campaign repeats every 10 items: one run of its own per distinct campaign is the reference.
		for (let i = 0; i < 10; i++) {
			const alone = await runActionNode({
				parameters,
				credentials: credentials(),
				items: [campaigns[i]],
				onError: 'continueRegularOutput',
			});
			for (let j = i; j < 50; j += 10) {
				// An error names its item: the reference's is item 0.
				const { error } = jsons[j];
				const json = typeof error === 'string' ? { ...jsons[j], error: error.replace(` [item ${j}]`, ' [item 0]') } : jsons[j];
				expect(json).toEqual(alone.items[0].json);
				if (j > i) expect(jsons[j]).not.toBe(jsons[i]);
			}
		}
		expect(pagesRead()).toBe(10 + 10 * 10);
		expect(jsons.some((json) => json.ready === true)).toBe(true);
		expectNoSecret(shared);
	});

	it('List × 20 items with different filters, Return All: 10 page requests, every item exactly its matches', async () => {
		const filters = Array.from({ length: 20 }, (_, i) => [STATUSES[i % 4], STATUSES[(i + 1 + Math.floor(i / 4)) % 4]]);
		const parameters = listParams({ returnAll: true, filters: { status: '={{ $json.statuses }}' } });
		const result = await runActionNode({ parameters, credentials: credentials(), items: filters.map((statuses) => ({ statuses })) });
		expect(result.error).toBeUndefined();
		expect(pagesRead()).toBe(10);
		const byItem: IDataObject[][] = filters.map(() => []);
		for (const item of result.items) byItem[(item.pairedItem as { item: number }).item].push(item.json);
		filters.forEach((statuses, i) => {
			const expected = sandbox()
				.numbers.filter((n) => statuses.includes(String(n.status)))
				.map((n) => n.phoneNumberId);
			expect(byItem[i].map((json) => json.phoneNumberId)).toEqual(expected);
		});
		expect(new Set(result.items.map((i) => i.json)).size).toBe(result.items.length);
	});

	it('List with small Limits reads only as far as the item that needs the most', async () => {
		const limits = [5, 120, 30, 1];
		const parameters = listParams({ returnAll: false, limit: '={{ $json.limit }}', filters: { status: ['ACTIVE'] } });
		const result = await runActionNode({ parameters, credentials: credentials(), items: limits.map((limit) => ({ limit })) });
		expect(result.error).toBeUndefined();
		const active = activeIds();
		const deepest = sandbox().numbers.findIndex((n) => n.phoneNumberId === active[119]);
		expect(pagesRead()).toBe(Math.floor(deepest / 100) + 1);
		expect(pagesRead()).toBeLessThan(10);
		const byItem: unknown[][] = limits.map(() => []);
		for (const item of result.items) byItem[(item.pairedItem as { item: number }).item].push(item.json.phoneNumberId);
		limits.forEach((limit, i) => expect(byItem[i]).toEqual(active.slice(0, limit)));
	});

	it('a failed page fails exactly the items that needed it, each with its own error', async () => {
		// ACTIVE numbers: 50 per page of 100. Page 2 fails: limits within pages 0 and 1 are served.
		sandbox().injectOnPage({ type: 'status', status: 500, body: '{"status":"error","message":"page lost"}' }, 2);
		const limits = [10, 150, 60, 200, 100];
		const parameters = listParams({ returnAll: false, limit: '={{ $json.limit }}', filters: { status: ['ACTIVE'] } });
		const result = await runActionNode({
			parameters,
			credentials: credentials(),
			items: limits.map((limit) => ({ limit })),
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(pagesRead()).toBe(3);
		const errors = result.items.filter((item) => item.json.error !== undefined);
		expect(paired(errors)).toEqual([1, 3]);
		expect(errors.every((item) => /page lost|500/.test(String(item.json.error) + JSON.stringify(item.json)))).toBe(true);
		expect(errors[0].json).not.toBe(errors[1].json);
		const served = result.items.filter((item) => item.json.error === undefined);
		const active = activeIds();
		expect(served.filter((i) => paired([i])[0] === 0).map((i) => i.json.phoneNumberId)).toEqual(active.slice(0, 10));
		expect(served.filter((i) => paired([i])[0] === 2).map((i) => i.json.phoneNumberId)).toEqual(active.slice(0, 60));
		expect(served.filter((i) => paired([i])[0] === 4).map((i) => i.json.phoneNumberId)).toEqual(active.slice(0, 100));
		expectNoSecret(result);
	});

	it('a new execution reads afresh', async () => {
		const parameters = chooseParams(100);
		await runActionNode({ parameters, credentials: credentials(), items: [{}, {}] });
		sandbox().updateNumber('gen-000000', { status: 'FLAGGED' });
		const second = await runActionNode({ parameters, credentials: credentials(), items: [{}, {}] });
		expect(pagesRead()).toBe(20);
		expect(second.items.map((i) => i.json.phoneNumberId)).not.toContain('gen-000000');
	});

	it('the next turn of a loop reads afresh', async () => {
		let turns = 0;
		const loop = testNodeType('LoopOnceList', 2, (_ctx, items) => {
			turns++;
			if (turns > 1) return [[], items];
			sandbox().updateNumber('gen-000000', { status: 'BANNED' });
			return [[items[0]], []];
		});
		const run = await runWorkflow({
			nodes: [
				{ name: 'Agile', type: ACTION_NODE, parameters: listParams({ returnAll: false, limit: 1 }) },
				{ name: 'Loop', type: loop },
			],
			connections: [
				['Agile', 0, 'Loop'],
				['Loop', 0, 'Agile'],
			],
			items: [{}, {}],
			credentials: credentials(),
		});
		expect(run.data.resultData.error).toBeUndefined();
		expect(outputOf(run, 'Agile').map((items) => items.map((i) => i.json.status))).toEqual([['ACTIVE', 'ACTIVE'], ['BANNED']]);
		expect(pagesRead()).toBe(2);
	});

	it('Retry On Fail reads afresh', async () => {
		sandbox().injectOnPage({ type: 'status', status: 500 }, 0);
		const run = await runWorkflow({
			nodes: [{ name: 'Agile', type: ACTION_NODE, parameters: chooseParams(100), retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }],
			connections: [],
			items: [{}, {}, {}],
			credentials: credentials(),
		});
		expect(run.data.resultData.error).toBeUndefined();
		expect(outputOf(run, 'Agile')[0]).toHaveLength(3);
		expect(sandbox().requests.map((r) => r.status)).toEqual([500, ...Array<number>(10).fill(200)]);
	});

	it("the trigger's dropdown opened twice within a minute reads the pages once, shared with the picker", async () => {
		const first = await loadTriggerOptions('getPhoneNumbers', credentials(), 'dropdown-1');
		const second = await loadTriggerOptions('getPhoneNumbers', credentials(), 'dropdown-1');
		expect(pagesRead()).toBe(10);
		expect(first).toHaveLength(1_000);
		expect(second).toEqual(first);
		expect(second).not.toBe(first);
		const picked = await searchList('searchPhoneNumbers', credentials(), 'brand 7', undefined, 'dropdown-1');
		expect(picked.results.length).toBeGreaterThan(0);
		expect(pagesRead()).toBe(10);
		// Another credential has its own copy.
		await loadTriggerOptions('getPhoneNumbers', credentials(), 'dropdown-2');
		expect(pagesRead()).toBe(20);
	});

	it("the trigger's dropdown reads again once its copy is older than a minute", async () => {
		fakeDateOnly();
		try {
			await loadTriggerOptions('getPhoneNumbers', credentials(), 'dropdown-3');
			jest.setSystemTime(Date.now() + 61_000);
			sandbox().updateNumber('gen-000001', { status: 'BANNED' });
			const later = await loadTriggerOptions('getPhoneNumbers', credentials(), 'dropdown-3');
			expect(later.find((option) => option.value === 'gen-000001')?.name).toMatch(/^BANNED/);
			expect(pagesRead()).toBe(20);
		} finally {
			jest.useRealTimers();
		}
	});
});
