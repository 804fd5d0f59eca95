import { ApiSandbox, NO_WHATSAPP_API_KEY, SANDBOX_API_KEY } from '../sandbox/server';
import { testCredential } from '../harness/engine';
import { capturedLogLines, useSandbox } from '../harness/fixtures';

const LIST_PATH = '/api/message-server/whatsapp/phone-numbers';

/**
 * The credential's Test as n8n's credentials tester runs it (the method both nodes name in `testedBy`,
 * called with n8n-core's test context), against the sandbox. It keeps every rule the nodes keep on where
 * the key may go; a second sandbox records whatever a redirect would deliver elsewhere.
 */
describe('the credential test', () => {
	const { sandbox } = useSandbox();
	const other = new ApiSandbox();
	beforeAll(async () => other.start());
	afterAll(async () => other.stop());
	beforeEach(() => other.resetLog());

	let keys = 0;
	const freshKey = () => {
		const apiKey = `credential-test-${++keys}-must-stay-home`;
		sandbox().addApiKey(apiKey);
		return apiKey;
	};
	const expectKeyInNoLog = (apiKey: string) => expect(capturedLogLines().join('\n')).not.toContain(apiKey);

	it('passes with a working key, asking the list endpoint for one number', async () => {
		expect(await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl })).toEqual({
			status: 'OK',
			message: 'Connection tested successfully',
		});
		expect(sandbox().requests.map((r) => [r.path, r.query, r.hadApiKey])).toEqual([[LIST_PATH, { page: '0', limit: '1' }, true]]);
	});

	it('says in plain words that the key is wrong (401)', async () => {
		expect(await testCredential({ apiKey: 'nope', baseUrl: sandbox().baseUrl })).toEqual({
			status: 'Error',
			message: 'The API key is wrong or no longer active: check it in the Qlara dashboard',
		});
	});

	it('says in plain words that the key lacks WhatsApp permission (403)', async () => {
		expect(await testCredential({ apiKey: NO_WHATSAPP_API_KEY, baseUrl: sandbox().baseUrl })).toEqual({
			status: 'Error',
			message:
				'The API key works but has no permission for WhatsApp numbers: enable the WhatsApp channel for this key in the Qlara dashboard',
		});
	});

	it('accepts the same base URL shapes as the nodes (trailing slash, /api)', async () => {
		const result = await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: `${sandbox().baseUrl}//api/` });
		expect(result.status).toBe('OK');
		expect(sandbox().requests.map((r) => r.path)).toEqual([LIST_PATH]);
	});

	it('retries a passing 503 as the nodes do', async () => {
		sandbox().inject({ type: 'status', status: 503 }, 1);
		expect((await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl })).status).toBe('OK');
		expect(sandbox().requests.map((r) => r.status)).toEqual([503, 200]);
	});

	it.each([301, 302, 303, 307, 308])(
		'refuses a redirect (HTTP %i) to another origin, naming both, and never sends the key there',
		async (status) => {
			const apiKey = freshKey();
			sandbox().inject({ type: 'redirect', status, location: `${other.baseUrl}${LIST_PATH}` }, 1);
			expect(await testCredential({ apiKey, baseUrl: sandbox().baseUrl })).toEqual({
				status: 'Error',
				message: `The API at ${sandbox().baseUrl} redirected (HTTP ${status}) to ${other.baseUrl}; the API key was not sent there. If ${other.baseUrl} is the API, set the Base URL in the 'Agile Telecom API' credential to it`,
			});
			expect(other.requests).toEqual([]);
			expect(sandbox().requests.map((r) => r.status)).toEqual([status]);
			expectKeyInNoLog(apiKey);
		},
	);

	it('follows a redirect within the same origin, with the key', async () => {
		sandbox().inject({ type: 'redirect', status: 307, location: 'self' }, 1);
		expect((await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl })).status).toBe('OK');
		expect(sandbox().requests.map((r) => [r.status, r.hadApiKey])).toEqual([
			[307, true],
			[200, true],
		]);
	});

	it('refuses a Location that is not a web address', async () => {
		sandbox().inject({ type: 'redirect', location: 'file:///etc/passwd' }, 1);
		expect((await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl })).message).toBe(
			`The API at ${sandbox().baseUrl} redirected (HTTP 302) to a file: URL, which is not a web address; the API key was not sent there. Check the Base URL in the 'Agile Telecom API' credential: the API key goes only to the Base URL's own address`,
		);
	});

	it('refuses a plain-HTTP Base URL that is not loopback, before sending anything, and says to use https://', async () => {
		const result = await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: 'http://10.255.255.1:9' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^The Base URL http:\/\/10\.255\.255\.1:9 uses plain HTTP: the API key would cross the network unencrypted\. Use https:\/\//,
		);
	});

	it("refuses a Base URL outside the credential's allowed domains, before sending anything", async () => {
		const apiKey = freshKey();
		const result = await testCredential({
			apiKey,
			baseUrl: sandbox().baseUrl,
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'lora-api.agiletelecom.com',
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				"Domain not allowed: the credential may be sent only to lora-api.agiletelecom.com, and the Base URL's host is 127.0.0.1. Add 127.0.0.1 to Allowed Domains in the 'Agile Telecom API' credential, or correct its Base URL",
		});
		expect(sandbox().count()).toBe(0);
	});

	it('passes when the allowed domains include the Base URL', async () => {
		const result = await testCredential({
			apiKey: SANDBOX_API_KEY,
			baseUrl: sandbox().baseUrl,
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'example.com, 127.0.0.1',
		});
		expect(result.status).toBe('OK');
	});

	it('tests the production host when the Base URL is empty (refused here by the allowed domains, so nothing leaves)', async () => {
		const result = await testCredential({
			apiKey: SANDBOX_API_KEY,
			baseUrl: '',
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'example.com',
		});
		expect(result.message).toContain("the Base URL's host is lora-api.agiletelecom.com.");
	});
});
