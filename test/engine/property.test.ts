import fc from 'fast-check';

import { uc025Numbers } from '../sandbox/data';
import { runActionNode } from '../harness/engine';
import { chooseParams, expectNoSecret, getParams, listParams, readinessParams, useSandbox } from '../harness/fixtures';

/**
 * Random response shapes thrown at every operation: the node must end with valid items or a
 * NodeApiError / NodeOperationError of its own, never an unhandled TypeError, and never leak the key.
 */
describe('property: any response shape ends in valid items or a clear node error', () => {
	const { sandbox, credentials } = useSandbox();

	const fieldValue = fc.oneof(
		fc.string(),
		fc.integer(),
		fc.constant(null),
		fc.boolean(),
		fc.constantFrom('ACTIVE', 'PENDING', 'GREEN', 'TIER_1K', 'UNLIMITED', 'TIER_NOT_SET'),
	);
	const numberLike = fc.dictionary(
		fc.constantFrom(
			'phoneNumberId',
			'status',
			'qualityRating',
			'messagingLimit',
			'displayName',
			'verifiedName',
			'accountMode',
			'nameStatus',
		),
		fc.oneof(fieldValue, fc.jsonValue()),
	);
	const body = fc.oneof(
		fc.jsonValue().map((v) => JSON.stringify(v)),
		fc
			.record(
				{ phoneNumbers: fc.array(fc.oneof(numberLike, fc.jsonValue()), { maxLength: 8 }), total: fc.oneof(fc.integer(), fc.jsonValue()) },
				{ requiredKeys: [] },
			)
			.map((v) => JSON.stringify(v)),
		numberLike.map((v) => JSON.stringify(v)),
		fc.string(),
	);
	const status = fc.constantFrom(200, 200, 200, 201, 400, 404, 409, 500, 501);
	const operation = fc.constantFrom(
		listParams({ returnAll: true }),
		listParams({ limit: 2, filters: { minMessagingLimit: 'TIER_1K', status: ['ACTIVE'] } }),
		getParams('waba-num-001'),
		readinessParams('waba-num-001', 500),
		chooseParams(500, { nameContains: 'a' }),
	);

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('holds for 150 random responses', async () => {
		await fc.assert(
			fc.asyncProperty(operation, body, status, fc.boolean(), async (parameters, text, code, continueOnFail) => {
				sandbox().clearFaults();
				sandbox().inject({ type: 'body', status: code, body: text }, 1);
				const result = await runActionNode({
					parameters,
					credentials: credentials(),
					items: [{}, {}],
					onError: continueOnFail ? 'continueRegularOutput' : undefined,
				});
				expectNoSecret(result);
				const error = result.error ?? result.items.find((i) => i.error)?.error;
				if (error) {
					expect(['NodeApiError', 'NodeOperationError']).toContain(error.name);
					expect((error as { cause?: Error }).cause?.name).not.toBe('TypeError');
					expect(error.message).not.toMatch(/Cannot read properties|is not a function|is not iterable/);
				}
				if (!result.error) {
					for (const item of result.items) expect(typeof item.json).toBe('object');
				}
				if (continueOnFail && parameters.operation !== 'list') expect(result.items).toHaveLength(2);
			}),
			{ numRuns: 150 },
		);
	});
});
