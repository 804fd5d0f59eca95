import { uc025Numbers } from '../sandbox/data';
import { runActionNode } from '../harness/engine';
import { byId, expectNoSecret, fromList, getParams, ids, useSandbox } from '../harness/fixtures';

describe('Get through the engine', () => {
	const { sandbox, credentials } = useSandbox();
	const run = (parameters: Record<string, unknown>, items?: Array<Record<string, unknown>>) =>
		runActionNode({ parameters: parameters as never, credentials: credentials(), items: items as never });

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it("returns the number's details unchanged plus its tier's capacity", async () => {
		const result = await run(getParams('waba-num-001', { simplify: false }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual({ ...uc025Numbers()[0], messagingLimitCapacity: 10000, messagingLimitUnlimited: false });
		expect(sandbox().requests.map((r) => r.path)).toEqual(['/api/message-server/whatsapp/phone-numbers/waba-num-001']);
		expectNoSecret(result);
	});

	it('accepts the ID from the list mode of the resource locator', async () => {
		const result = await run({ resource: 'phoneNumber', operation: 'get', phoneNumberId: fromList('waba-num-003') });
		expect(ids(result)).toEqual(['waba-num-003']);
	});

	it('reads the ID per item from an expression, one answer per item in order', async () => {
		const result = await run({ resource: 'phoneNumber', operation: 'get', phoneNumberId: byId('={{ $json.id }}') }, [
			{ id: 'waba-num-003' },
			{ id: 'waba-num-001' },
			{ id: 'waba-num-002' },
		]);
		expect(ids(result)).toEqual(['waba-num-003', 'waba-num-001', 'waba-num-002']);
		expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2]);
	});

	it.each([
		['../x?y=1', '..%2Fx%3Fy%3D1'],
		['a/b', 'a%2Fb'],
		['a#b', 'a%23b'],
		['100%', '100%25'],
		['with space', 'with%20space'],
		['número-ü', 'n%C3%BAmero-%C3%BC'],
		['..', undefined],
	])('encodes the ID %p into exactly one path segment', async (id, segment) => {
		sandbox().numbers.push({ phoneNumberId: id, status: 'ACTIVE' });
		const result = await run(getParams(id));
		if (segment === undefined) {
			expect(result.error?.message).toBe('The \'Phone Number\' parameter ("..") is not a phone number ID [item 0]');
			expect(sandbox().count()).toBe(0);
			return;
		}
		expect(result.error).toBeUndefined();
		expect(ids(result)).toEqual([id]);
		expect(sandbox().requests.map((r) => r.path)).toEqual([`/api/message-server/whatsapp/phone-numbers/${segment}`]);
	});

	it('accepts a numeric ID (the provider types IDs as integers in places)', async () => {
		sandbox().numbers.push({ phoneNumberId: 1234567, status: 'ACTIVE' });
		const result = await run({ resource: 'phoneNumber', operation: 'get', phoneNumberId: byId('={{ 1234567 }}') });
		expect(result.error).toBeUndefined();
		expect(ids(result)).toEqual([1234567]);
	});

	it('leaves an empty ID to n8n, which refuses the required parameter before running', async () => {
		const result = await run(getParams(''));
		expect(result.error?.message).toMatch(/Parameter "Phone Number" is required/);
		expect(sandbox().count()).toBe(0);
	});

	it.each(['   ', '={{ "" }}', '={{ $json.missing }}'])('fails an empty ID (%p) with a clear message before any request', async (value) => {
		const result = await run(getParams(value));
		expect(result.error?.message).toBe("The 'Phone Number' parameter is empty [item 0]");
		expect(result.error?.description).toMatch(/Pick a number from the list/);
		expect(sandbox().count()).toBe(0);
	});
});
