import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { SANDBOX_API_KEY } from '../sandbox/server';
import { createPoller } from '../harness/engine';
import { capturedLogLines, useSandbox } from '../harness/fixtures';

const ALL_EVENTS = { events: ['statusChanged', 'qualityRatingChanged', 'messagingLimitChanged', 'numberAdded', 'numberRemoved'] };

describe('Agile Telecom WhatsApp Trigger: poll() through PollContext against the sandbox', () => {
	const { sandbox, credentials } = useSandbox();
	const newPoller = (parameters: Record<string, unknown> = ALL_EVENTS) => createPoller(parameters as never, credentials());
	const events = (items: Array<{ json: Record<string, unknown> }> | null) =>
		(items ?? []).map((i) => `${String(i.json.event)}:${String(i.json.phoneNumberId)}`);

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('stores a baseline on the first poll and emits nothing; a poll with no change returns null', async () => {
		const poller = await newPoller();
		expect(await poller.poll()).toBeNull();
		expect(Object.keys((poller.staticData().snapshot as { numbers: object }).numbers)).toEqual([
			'waba-num-001',
			'waba-num-002',
			'waba-num-003',
		]);
		expect(await poller.poll()).toBeNull();
	});

	it('PENDING → ACTIVE emits exactly one statusChanged, then nothing on the next poll', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
		const items = await poller.poll();
		expect(items).toHaveLength(1);
		expect(items![0].json).toEqual({
			event: 'statusChanged',
			phoneNumberId: 'waba-num-002',
			displayName: 'SportZone',
			previous: {
				phoneNumberId: 'waba-num-002',
				status: 'PENDING',
				qualityRating: 'UNKNOWN',
				messagingLimit: 'TIER_1K',
				displayName: 'SportZone',
			},
			current: {
				phoneNumberId: 'waba-num-002',
				phoneNumber: '+390287654321',
				displayName: 'SportZone',
				qualityRating: 'UNKNOWN',
				status: 'ACTIVE',
				messagingLimit: 'TIER_1K',
				verifiedName: 'SportZone by ShopItalia',
				platform: 'CLOUD_API',
				messagingLimitCapacity: 1000,
				messagingLimitUnlimited: false,
			},
			summary: 'SportZone: status PENDING → ACTIVE',
			action: 'send',
		});
		expect(await poller.poll()).toBeNull();
	});

	it('reports a quality drop GREEN → YELLOW with its direction', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().updateNumber('waba-num-001', { qualityRating: 'YELLOW' });
		const [item] = (await poller.poll())!;
		expect(item.json).toMatchObject({
			event: 'qualityRatingChanged',
			phoneNumberId: 'waba-num-001',
			direction: 'down',
			summary: 'ShopItalia: quality GREEN → YELLOW',
		});
	});

	it('reports tier changes up and down with the new capacity', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().updateNumber('waba-num-001', { messagingLimit: 'TIER_100K' });
		const [up] = (await poller.poll())!;
		expect(up.json).toMatchObject({
			event: 'messagingLimitChanged',
			direction: 'up',
			summary: 'ShopItalia: messaging limit TIER_10K → TIER_100K (100,000 recipients per 24 h)',
		});
		expect((up.json.current as Record<string, unknown>).messagingLimitCapacity).toBe(100000);
		sandbox().updateNumber('waba-num-001', { messagingLimit: 'TIER_2K' });
		const [down] = (await poller.poll())!;
		expect(down.json).toMatchObject({ event: 'messagingLimitChanged', direction: 'down' });
		sandbox().updateNumber('waba-num-001', { messagingLimit: 'TIER_UNLIMITED' });
		const [unlimited] = (await poller.poll())!;
		expect(unlimited.json).toMatchObject({ direction: 'up', summary: expect.stringContaining('(unlimited recipients per 24 h)') });
	});

	it('reports added and removed numbers', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().numbers = [...uc025Numbers().slice(1), { ...uc025Numbers()[0], phoneNumberId: 'waba-num-004', displayName: 'TravelCo' }];
		const items = (await poller.poll())!;
		expect(events(items)).toEqual(['numberAdded:waba-num-004', 'numberRemoved:waba-num-001']);
		expect(items[0].json.previous).toBeNull();
		expect(items[1].json.current).toBeNull();
		expect(items[1].json).toMatchObject({ displayName: 'ShopItalia', summary: 'ShopItalia: number removed' });
	});

	it('emits each of several changes in one poll as its own item', async () => {
		const poller = await newPoller();
		await poller.poll();
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE', qualityRating: 'GREEN', messagingLimit: 'TIER_10K' });
		sandbox().updateNumber('waba-num-003', { qualityRating: 'RED' });
		expect(events(await poller.poll())).toEqual([
			'statusChanged:waba-num-002',
			'qualityRatingChanged:waba-num-002',
			'messagingLimitChanged:waba-num-002',
			'qualityRatingChanged:waba-num-003',
		]);
	});

	it('emits only the chosen events, and keeps the snapshot current for the others', async () => {
		const poller = await newPoller({ events: ['qualityRatingChanged'] });
		await poller.poll();
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
		expect(await poller.poll()).toBeNull();
		sandbox().updateNumber('waba-num-002', { qualityRating: 'GREEN' });
		expect(events(await poller.poll())).toEqual(['qualityRatingChanged:waba-num-002']);
	});

	it('watches only the chosen IDs', async () => {
		const poller = await newPoller({ ...ALL_EVENTS, phoneNumberIds: ['waba-num-002'] });
		await poller.poll();
		expect(Object.keys((poller.staticData().snapshot as { numbers: object }).numbers)).toEqual(['waba-num-002']);
		sandbox().updateNumber('waba-num-001', { status: 'FLAGGED' });
		expect(await poller.poll()).toBeNull();
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
		expect(events(await poller.poll())).toEqual(['statusChanged:waba-num-002']);
	});

	it('starts a new baseline when the watched IDs change, instead of reporting them as added', async () => {
		const poller = await newPoller({ ...ALL_EVENTS, phoneNumberIds: ['waba-num-002'] });
		await poller.poll();
		poller.setParameters({ ...ALL_EVENTS, phoneNumberIds: ['waba-num-001', 'waba-num-002'] });
		expect(await poller.poll()).toBeNull();
	});

	it.each([
		[
			'401',
			() => ({ type: 'status', status: 401, body: '{"status":"fail","data":{"authentication":"Invalid or missing API key"}}' }),
			/Invalid or missing API key/,
		],
		['5xx', () => ({ type: 'status', status: 500 }), /Simulated HTTP 500/],
		['timeout', () => ({ type: 'delay', ms: 1200 }), /did not answer within 0.5 s/],
		['bad body', () => ({ type: 'truncated' }), /not valid JSON/],
	])(
		'a failed poll (%s) throws a clear error, leaves the snapshot alone, and the change is emitted once later',
		async (_label, fault, message) => {
			const poller = await newPoller({ ...ALL_EVENTS, options: { timeout: 500 } });
			await poller.poll();
			const before = JSON.stringify(poller.staticData());
			sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
			sandbox().inject(fault() as never, 1);
			await expect(poller.poll()).rejects.toThrow(message);
			expect(JSON.stringify(poller.staticData())).toBe(before);
			expect(events(await poller.poll())).toEqual(['statusChanged:waba-num-002']);
			expect(await poller.poll()).toBeNull();
		},
	);

	it('Fetch Test Event (manual) emits a sample from real data and leaves the snapshot alone', async () => {
		const poller = await newPoller();
		const sample = (await poller.poll('manual'))!;
		expect(sample).toHaveLength(1);
		expect(sample[0].json).toMatchObject({
			event: 'statusChanged',
			phoneNumberId: 'waba-num-001',
			previous: { status: 'PENDING', qualityRating: 'GREEN' },
			current: { status: 'ACTIVE', phoneNumber: '+390212345678' },
		});
		expect(poller.staticData().snapshot).toBeUndefined();

		await poller.poll();
		const baseline = JSON.stringify(poller.staticData());
		sandbox().updateNumber('waba-num-003', { qualityRating: 'YELLOW' });
		expect(events(await poller.poll('manual'))).toEqual(['qualityRatingChanged:waba-num-003']);
		expect(JSON.stringify(poller.staticData())).toBe(baseline);
		expect(events(await poller.poll())).toEqual(['qualityRatingChanged:waba-num-003']);
	});

	it('follows 2,000 numbers over several pages with a compact snapshot', async () => {
		sandbox().numbers = generateNumbers(2000);
		const poller = await newPoller();
		await poller.poll();
		expect(sandbox().count()).toBe(20);
		const size = JSON.stringify(poller.staticData()).length;
		expect(size).toBeLessThan(2000 * 80);
		expect(JSON.stringify(poller.staticData())).not.toContain(SANDBOX_API_KEY);
		sandbox().updateNumber('gen-001999', { status: 'BANNED' });
		sandbox().updateNumber('gen-000100', { messagingLimit: 'TIER_50' });
		expect(events(await poller.poll())).toEqual(['messagingLimitChanged:gen-000100', 'statusChanged:gen-001999']);
		expect(capturedLogLines().join('\n')).not.toContain(SANDBOX_API_KEY);
	});
});
