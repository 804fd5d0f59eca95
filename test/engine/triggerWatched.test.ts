import { generateNumbers } from '../sandbox/data';
import { createPoller } from '../harness/engine';
import { useSandbox } from '../harness/fixtures';

const ALL_EVENTS = ['statusChanged', 'qualityRatingChanged', 'messagingLimitChanged', 'numberAdded', 'numberRemoved'];
const DETAIL = '/api/message-server/whatsapp/phone-numbers/';

/**
 * A trigger watching fewer numbers than the list has pages reads them from the detail endpoint; otherwise
 * it reads the list. Requests are counted by the sandbox (the list has pages of 100).
 */
describe('Trigger: reads what it watches', () => {
	const { sandbox, credentials } = useSandbox();
	const newPoller = (phoneNumberIds: string[] = []) =>
		createPoller({ events: ALL_EVENTS, phoneNumberIds, options: { timeout: 2000 } } as never, credentials());
	const events = (items: Array<{ json: Record<string, unknown> }> | null) =>
		(items ?? []).map((i) => `${String(i.json.event)}:${String(i.json.phoneNumberId)}`);
	/** Requests of one poll, by endpoint. */
	const polled = async (poll: () => Promise<unknown>) => {
		sandbox().resetLog();
		const items = await poll();
		const detail = sandbox()
			.requests.filter((r) => r.endpoint === 'detail')
			.map((r) => r.path.slice(DETAIL.length));
		return { items: items as Array<{ json: Record<string, unknown> }> | null, list: sandbox().count('list'), detail };
	};

	beforeEach(() => {
		sandbox().numbers = generateNumbers(1_000);
	});

	it('watching 2 of 1,000 numbers: the first poll reads the list (10 pages), then 2 detail reads per poll', async () => {
		const poller = await newPoller(['gen-000500', 'gen-000007']);
		const first = await polled(() => poller.poll());
		expect([first.items, first.list, first.detail]).toEqual([null, 10, []]);
		expect(poller.staticData().listPages).toBe(10);

		const quiet = await polled(() => poller.poll());
		expect([quiet.items, quiet.list, quiet.detail.sort()]).toEqual([null, 0, ['gen-000007', 'gen-000500']]);

		sandbox().updateNumber('gen-000500', { qualityRating: 'RED' });
		sandbox().updateNumber('gen-000008', { status: 'BANNED' }); // not watched
		const changed = await polled(() => poller.poll());
		expect(events(changed.items)).toEqual(['qualityRatingChanged:gen-000500']);
		expect([changed.list, changed.detail.length]).toEqual([0, 2]);
		// The detail endpoint's fields come with the event.
		expect(changed.items![0].json.current).toMatchObject({
			phoneNumberId: 'gen-000500',
			qualityRating: 'RED',
			nameStatus: 'APPROVED',
			wabaId: 'waba-acct-0',
		});
		expect(events((await polled(() => poller.poll())).items)).toEqual([]);
	});

	it('a watched number that disappears: numberRemoved exactly once, numberAdded when it comes back', async () => {
		const poller = await newPoller(['gen-000001', 'gen-000002']);
		await poller.poll();
		const removed = sandbox().numbers.splice(1, 1);
		const gone = await polled(() => poller.poll());
		expect(events(gone.items)).toEqual(['numberRemoved:gen-000001']);
		expect(gone.items![0].json).toMatchObject({ current: null, previous: { phoneNumberId: 'gen-000001', status: removed[0].status } });
		expect([gone.list, gone.detail.length]).toEqual([0, 2]);
		const after = await polled(() => poller.poll());
		expect(after.items).toBeNull();
		expect(sandbox().requests.filter((r) => r.status === 404)).toHaveLength(1);
		sandbox().numbers.push(removed[0]);
		expect(events((await polled(() => poller.poll())).items)).toEqual(['numberAdded:gen-000001']);
		expect(await poller.poll()).toBeNull();
	});

	it('watching none reads the list on every poll', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().updateNumber('gen-000999', { status: 'FLAGGED' });
		const second = await polled(() => poller.poll());
		expect(events(second.items)).toEqual(['statusChanged:gen-000999']);
		expect([second.list, second.detail]).toEqual([10, []]);
	});

	it('as many watched numbers as pages, or more: the list', async () => {
		sandbox().numbers = generateNumbers(250); // 3 pages
		const three = await newPoller(['gen-000001', 'gen-000002', 'gen-000003']);
		await three.poll();
		expect(await polled(() => three.poll())).toMatchObject({ list: 3, detail: [] });
		const two = await newPoller(['gen-000001', 'gen-000002']);
		await two.poll();
		expect(await polled(() => two.poll())).toMatchObject({ list: 0, detail: ['gen-000001', 'gen-000002'] });
	});

	it('changing the watched IDs starts a new baseline, then reports changes once, read by detail', async () => {
		const poller = await newPoller(['gen-000010']);
		await poller.poll();
		await poller.poll();
		poller.setParameters({ events: ALL_EVENTS, phoneNumberIds: ['gen-000010', 'gen-000020'], options: { timeout: 2000 } });
		const rebased = await polled(() => poller.poll());
		expect([rebased.items, rebased.list, rebased.detail.length]).toEqual([null, 0, 2]);
		sandbox().updateNumber('gen-000020', { messagingLimit: 'TIER_50' });
		expect(events(await poller.poll())).toEqual(['messagingLimitChanged:gen-000020']);
		expect(await poller.poll()).toBeNull();
	});

	it('a change between a list poll and a detail poll is reported once', async () => {
		const poller = await newPoller(['gen-000300', 'gen-000301']);
		await poller.poll(); // the list: baseline and page count
		sandbox().updateNumber('gen-000301', { status: 'FLAGGED' });
		const next = await polled(() => poller.poll());
		expect(events(next.items)).toEqual(['statusChanged:gen-000301']);
		expect(next.list).toBe(0);
		expect(await poller.poll()).toBeNull();
	});

	it('a failed detail read throws, leaves the snapshot alone, and the change is reported by the next poll', async () => {
		const poller = await newPoller(['gen-000001', 'gen-000002']);
		await poller.poll();
		const before = JSON.stringify(poller.staticData());
		sandbox().updateNumber('gen-000002', { status: 'FLAGGED' });
		sandbox().inject({ type: 'status', status: 500 }, 1, 'detail');
		await expect(poller.poll()).rejects.toThrow(/Simulated HTTP 500/);
		expect(JSON.stringify(poller.staticData())).toBe(before);
		expect(events(await poller.poll())).toEqual(['statusChanged:gen-000002']);
		expect(await poller.poll()).toBeNull();
	});

	it('Fetch Test Event reads by detail too and leaves the static data alone', async () => {
		const poller = await newPoller(['gen-000004', 'gen-000005']);
		await poller.poll();
		const before = JSON.stringify(poller.staticData());
		const sample = await polled(() => poller.poll('manual'));
		expect(events(sample.items)).toEqual(['statusChanged:gen-000004']);
		expect([sample.list, sample.detail.length]).toEqual([0, 2]);
		expect(JSON.stringify(poller.staticData())).toBe(before);
	});
});
