import { SANDBOX_API_KEY } from '../sandbox/server';
import { createPoller, runActionNode, type TestCredentials } from '../harness/engine';
import { capturedLogLines, getParams, useSandbox } from '../harness/fixtures';
import { caught, itemError, KEY_PATHS } from '../harness/keyPaths';

/**
 * Answers an attacker or a broken proxy would send stay data: each gives one clear error or a correct
 * result, never a crash, a polluted prototype or the key in a message; a trickled body fails at the
 * timeout. Each path gets a key of its own, so no copy of a list read by another test answers for it.
 */
describe('hostile answers', () => {
	const { sandbox } = useSandbox();
	let keys = 0;
	const freshCredentials = (extra: Record<string, unknown> = {}): TestCredentials => {
		const apiKey = `${SANDBOX_API_KEY}-hostile-${++keys}`;
		sandbox().addApiKey(apiKey);
		return { apiKey, baseUrl: sandbox().baseUrl, ...extra };
	};

	describe.each(KEY_PATHS)('%s', (_name, run) => {
		it('keeps __proto__ and constructor keys as data: no polluted prototype', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'hostile', kind: 'proto' }, 1);
			const attempt = await run(credentials);
			expect(attempt.error).toBeUndefined();
			expect(({} as Record<string, unknown>).polluted).toBeUndefined();
			expect(Object.prototype).not.toHaveProperty('polluted');
		});

		it('refuses JSON nested 10,000 levels deep with one clear error', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'hostile', kind: 'deep' }, 1);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(
				'The API answered HTTP 200 with JSON nested more than 64 levels deep, which no answer of this API is',
			);
			expect(JSON.stringify(attempt)).not.toContain(credentials.apiKey);
		});

		it('refuses a 50 MB body with one clear error', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'hostile', kind: 'huge' }, 1);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe('The API answered HTTP 200 with 50 MB, more than the 16 MB any answer of this API needs');
		});
	});

	it.each([
		[
			'Get',
			async (credentials: TestCredentials) =>
				itemError(await runActionNode({ parameters: getParams('waba-num-001', { requestOptions: { timeout: 3_000 } }), credentials })),
		],
		[
			'the trigger',
			async (credentials: TestCredentials) => ({
				error: (
					await caught(async () => (await createPoller({ events: ['statusChanged'], options: { timeout: 3_000 } }, credentials)).poll())
				).error,
			}),
		],
	])('%s fails a body trickled a byte a second at its 3 s timeout, not when the server stops', async (_name, run) => {
		const credentials = freshCredentials();
		sandbox().inject({ type: 'trickle', intervalMs: 1_000 }, 1);
		const started = Date.now();
		const { error } = await run(credentials);
		const elapsed = Date.now() - started;
		expect(error?.message).toBe('The Agile Telecom API did not answer within 3 s');
		expect(elapsed).toBeGreaterThanOrEqual(3_000);
		expect(elapsed).toBeLessThan(4_000);
	});

	afterAll(() => expect(capturedLogLines().join('\n')).not.toContain(SANDBOX_API_KEY));
});
