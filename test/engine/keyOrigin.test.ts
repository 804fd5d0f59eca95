import { ApiSandbox } from '../sandbox/server';
import type { TestCredentials } from '../harness/engine';
import { capturedLogLines, useSandbox } from '../harness/fixtures';
import { type Attempt, KEY_PATHS } from '../harness/keyPaths';

/**
 * The key goes only to the Base URL's origin: a redirect elsewhere fails with both origins named and the
 * other origin (a second sandbox that records what reaches it) sees nothing; same-origin redirects are
 * followed; plain HTTP to the network and domains the credential does not allow are refused before any
 * request. Each path gets a key of its own, so no copy of a list read by another test answers for it.
 */
describe('the API key goes only to the configured origin', () => {
	const { sandbox } = useSandbox();
	const other = new ApiSandbox();
	beforeAll(async () => other.start());
	afterAll(async () => other.stop());
	beforeEach(() => other.resetLog());

	let keys = 0;
	const freshCredentials = (extra: Record<string, unknown> = {}): TestCredentials => {
		const apiKey = `key-origin-test-${++keys}-must-stay-home`;
		sandbox().addApiKey(apiKey);
		return { apiKey, baseUrl: sandbox().baseUrl, ...extra };
	};
	const expectKeyNowhere = (apiKey: string, attempt: Attempt) => {
		expect(JSON.stringify(attempt)).not.toContain(apiKey);
		expect(capturedLogLines().join('\n')).not.toContain(apiKey);
	};

	describe.each(KEY_PATHS)('%s', (_name, run) => {
		it('refuses a redirect to another origin, naming both, and never sends the key there', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'redirect', location: `${other.baseUrl}/api/message-server/whatsapp/phone-numbers` }, 1);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(
				`The API at ${sandbox().baseUrl} redirected (HTTP 302) to ${other.baseUrl}; the API key was not sent there`,
			);
			expect(attempt.error?.description).toBe(
				`If ${other.baseUrl} is the API, set the Base URL in the 'Agile Telecom API' credential to it`,
			);
			expect(other.requests).toEqual([]);
			expect(sandbox().requests.map((r) => r.status)).toEqual([302]);
			expectKeyNowhere(credentials.apiKey, attempt);
		});

		it('treats another host name for the same server as another origin', async () => {
			const credentials = freshCredentials();
			const port = new URL(sandbox().baseUrl).port;
			sandbox().inject(
				{ type: 'redirect', status: 307, location: `http://localhost:${port}/api/message-server/whatsapp/phone-numbers` },
				1,
			);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toContain(`redirected (HTTP 307) to http://localhost:${port}; the API key was not sent there`);
			expect(sandbox().count()).toBe(1);
		});

		it('follows a redirect within the same origin, with the key', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'redirect', status: 301, location: 'self' }, 1);
			expect((await run(credentials)).error).toBeUndefined();
			expect(
				sandbox()
					.requests.slice(0, 2)
					.map((r) => [r.status, r.hadApiKey]),
			).toEqual([
				[301, true],
				[200, true],
			]);
		});

		it.each([
			['javascript:alert(document.cookie)', 'to a javascript: URL, which is not a web address'],
			['file:///etc/passwd', 'to a file: URL, which is not a web address'],
			['http://[::1', 'to a Location that is not a valid URL'],
		])('refuses a Location of %s', async (location, why) => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'redirect', location }, 1);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(`The API at ${sandbox().baseUrl} redirected (HTTP 302) ${why}; the API key was not sent there`);
			expect(sandbox().count()).toBe(1);
			expectKeyNowhere(credentials.apiKey, attempt);
		});

		it('gives up on a redirect loop within the origin after 5 hops', async () => {
			const credentials = freshCredentials();
			sandbox().inject({ type: 'redirect', location: 'self' }, 10);
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(`The API at ${sandbox().baseUrl} redirected more than 5 times`);
			expect(sandbox().count()).toBe(6);
		});

		it('refuses a plain-HTTP Base URL that is not loopback before sending anything', async () => {
			const credentials = freshCredentials({ baseUrl: 'http://10.255.255.1:9' });
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(
				'The Base URL http://10.255.255.1:9 uses plain HTTP: the API key would cross the network unencrypted',
			);
			expect(attempt.error?.description).toMatch(/^Use https:\/\//);
		});

		it("refuses a Base URL outside the credential's allowed domains before sending anything", async () => {
			const credentials = freshCredentials({
				allowedHttpRequestDomains: 'domains',
				allowedDomains: 'lora-api.agiletelecom.com, *.127.0.0.1',
			});
			const attempt = await run(credentials);
			expect(attempt.error?.message).toBe(
				"Domain not allowed: the credential may be sent only to lora-api.agiletelecom.com, *.127.0.0.1, and the Base URL's host is 127.0.0.1",
			);
			expect(sandbox().count()).toBe(0);
		});

		it('works when the allowed domains include the Base URL', async () => {
			const credentials = freshCredentials({ allowedHttpRequestDomains: 'domains', allowedDomains: 'example.com, 127.0.0.1' });
			expect((await run(credentials)).error).toBeUndefined();
		});
	});
});
