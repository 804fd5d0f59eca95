import { createServer, type Server } from 'node:net';

import { NO_WHATSAPP_API_KEY, SANDBOX_API_KEY } from '../sandbox/server';
import { runActionNode } from '../harness/engine';
import { expectNoSecret, getParams, listParams, useSandbox } from '../harness/fixtures';

describe('errors: clear, and nothing lost', () => {
	const { sandbox, credentials } = useSandbox();
	const get = (id = 'waba-num-001', extra: Parameters<typeof runActionNode>[0] extends infer O ? Partial<O> : never = {}) =>
		runActionNode({ parameters: getParams(id), credentials: credentials(), ...extra });

	it("turns a 404 into a NodeApiError with the API's message, the HTTP code and what to do", async () => {
		const result = await get('waba-num-999');
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Phone number not found: waba-num-999 [item 0]');
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.description).toMatch(/Phone Number → Get Many.*ID can change/);
		expectNoSecret(result);
	});

	it('tells a wrong key (401) from a key without WhatsApp permission (403)', async () => {
		const wrong = await runActionNode({ parameters: listParams(), credentials: { ...credentials(), apiKey: 'wrong-key-123456' } });
		expect(wrong.error?.message).toBe('Invalid or missing API key [item 0]');
		expect(wrong.error?.httpCode).toBe('401');
		expect(wrong.error?.description).toMatch(/API key.*correct and still active/);
		expectNoSecret(wrong, 'wrong-key-123456');

		const forbidden = await runActionNode({ parameters: listParams(), credentials: { ...credentials(), apiKey: NO_WHATSAPP_API_KEY } });
		expect(forbidden.error?.message).toBe('API key does not have permission to access WhatsApp phone numbers [item 0]');
		expect(forbidden.error?.httpCode).toBe('403');
		expect(forbidden.error?.description).toMatch(/enable the WhatsApp channel/);
		expectNoSecret(forbidden, NO_WHATSAPP_API_KEY);
	});

	it('says when to retry after a 429 that outlasts the retry budget', async () => {
		sandbox().inject({ type: 'rateLimit', retryAfter: 120 }, 1);
		const result = await get();
		expect(result.error?.message).toBe('Rate limit exceeded. Please retry after 120 seconds. [item 0]');
		expect(result.error?.httpCode).toBe('429');
		expect(result.error?.description).toMatch(/retry after 120 seconds/);
		expect(sandbox().count()).toBe(1);
	});

	it('retries a 429 after Retry-After and succeeds', async () => {
		sandbox().inject({ type: 'rateLimit', retryAfter: 1 }, 1);
		const started = Date.now();
		const result = await get();
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.phoneNumberId).toBe('waba-num-001');
		expect(sandbox().requests.map((r) => r.status)).toEqual([429, 200]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	});

	it('retries a 503 with backoff and succeeds; gives up after the bounded attempts with a 5xx hint', async () => {
		sandbox().inject({ type: 'status', status: 503 }, 1);
		const once = await get();
		expect(once.error).toBeUndefined();
		expect(sandbox().requests.map((r) => r.status)).toEqual([503, 200]);

		sandbox().resetLog();
		sandbox().inject({ type: 'status', status: 502 }, 10);
		const always = await get();
		expect(always.error?.httpCode).toBe('502');
		expect(always.error?.description).toMatch(/could not handle the request \(HTTP 502\).*try again/);
		expect(sandbox().count()).toBe(4);
	});

	it('never retries a 500 or other 4xx', async () => {
		sandbox().inject({ type: 'status', status: 500, body: JSON.stringify({ status: 'error', message: 'Internal failure' }) }, 1);
		const result = await get();
		expect(result.error?.message).toBe('Internal failure [item 0]');
		expect(result.error?.httpCode).toBe('500');
		expect(sandbox().count()).toBe(1);
	});

	it('explains an HTML page where JSON was expected (a proxy error page)', async () => {
		sandbox().inject({ type: 'html', status: 200 }, 1);
		const ok200 = await get();
		expect(ok200.error?.message).toBe(
			'The API answered HTTP 200 with an HTML page; expected a phone number object such as {"phoneNumberId": …, "status": …} [item 0]',
		);
		expect(ok200.error?.description).toMatch(/Base URL/);

		sandbox().inject({ type: 'html', status: 404 }, 1);
		const notFound = await get();
		expect(notFound.error?.message).toMatch(/HTTP 404 with an HTML page instead of JSON/);
		expect(notFound.error?.httpCode).toBe('404');
	});

	it('fails a response slower than the timeout with the timeout in the message', async () => {
		sandbox().inject({ type: 'delay', ms: 1500 }, 1);
		const result = await runActionNode({
			parameters: getParams('waba-num-001', { requestOptions: { timeout: 300 } }),
			credentials: credentials(),
		});
		expect(result.error?.message).toBe('The Agile Telecom API did not answer within 0.3 s [item 0]');
		expect(result.error?.description).toMatch(/Options → Timeout/);
	});

	describe('a refused connection', () => {
		let closedPort: number;
		beforeAll(async () => {
			// Reserve a port, then close it: nothing listens there.
			const server: Server = createServer();
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			closedPort = (server.address() as { port: number }).port;
			await new Promise((resolve) => server.close(resolve));
		});

		it('names the base URL to check', async () => {
			const baseUrl = `http://127.0.0.1:${closedPort}`;
			const result = await runActionNode({ parameters: listParams(), credentials: { apiKey: SANDBOX_API_KEY, baseUrl } });
			expect(result.error?.message).toBe(`Could not connect to ${baseUrl}: the connection was refused [item 0]`);
			expect(result.error?.description).toMatch(/Base URL/);
			expectNoSecret(result);
		});
	});

	it('redacts the key when a server echoes it back in an error', async () => {
		sandbox().inject({ type: 'echoKey', status: 400 }, 1);
		const result = await get();
		expect(result.error?.message).toBe('Key [redacted] is not valid here [item 0]');
		expectNoSecret(result);
	});

	describe('On Error: Continue', () => {
		const items = [{ id: 'waba-num-001' }, { id: 'waba-num-999' }, { id: 'waba-num-003' }, { id: '' }];
		const parameters = getParams('={{ $json.id }}');

		it('regular output: N items in, N items out, in order, each paired, failures carry the error', async () => {
			const result = await runActionNode({ parameters, credentials: credentials(), items, onError: 'continueRegularOutput' });
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.json.phoneNumberId ?? i.json.error)).toEqual([
				'waba-num-001',
				'Phone number not found: waba-num-999 [item 1]',
				'waba-num-003',
				"The 'Phone Number' parameter is empty [item 3]",
			]);
			expect(result.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3]);
			expectNoSecret(result);
		});

		it('error output: successes on the first output, failures on the error output, all paired', async () => {
			const result = await runActionNode({ parameters, credentials: credentials(), items, onError: 'continueErrorOutput' });
			expect(result.items.map((i) => [i.json.phoneNumberId, (i.pairedItem as { item: number }).item])).toEqual([
				['waba-num-001', 0],
				['waba-num-003', 2],
			]);
			expect(result.errorItems.map((i) => [i.json.error, (i.pairedItem as { item: number }).item])).toEqual([
				['Phone number not found: waba-num-999 [item 1]', 1],
				["The 'Phone Number' parameter is empty [item 3]", 3],
			]);
		});

		it.each([
			['401', { apiKey: 'bad-key-000' }],
			['HTML', {}],
		])('keeps every item under %s failures', async (_label, override) => {
			sandbox().inject({ type: 'html', status: 502 }, 100);
			const result = await runActionNode({
				parameters,
				credentials: { ...credentials(), ...override },
				items: items.slice(0, 3),
				onError: 'continueRegularOutput',
			});
			sandbox().clearFaults();
			expect(result.items).toHaveLength(3);
			expect(result.items.every((i) => typeof i.json.error === 'string')).toBe(true);
			expectNoSecret(result);
		});

		it('without Continue, the first failure stops the run with the error', async () => {
			const result = await runActionNode({ parameters, credentials: credentials(), items });
			expect(result.error?.message).toBe('Phone number not found: waba-num-999 [item 1]');
			expect(result.items).toEqual([]);
		});
	});
});
