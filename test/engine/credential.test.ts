import { request } from 'undici';
import { type ICredentialDataDecryptedObject, type ICredentialTestRequest, type IHttpRequestOptions, Workflow } from 'n8n-workflow';

import { NO_WHATSAPP_API_KEY, SANDBOX_API_KEY } from '../sandbox/server';
import { loadPackage, TestCredentialsHelper } from '../harness/engine';
import { useSandbox } from '../harness/fixtures';

/**
 * The credential's own test request, resolved with n8n's expression engine and sent to the sandbox the
 * way n8n's credential tester sends it (authenticate block applied, then the rules on the status code).
 */
async function testCredential(data: Record<string, unknown>): Promise<{ status: 'OK' | 'Error'; message: string; url: string }> {
	const { credentialTypes, nodeTypes } = await loadPackage();
	const type = credentialTypes.get('agileTelecomApi')!;
	const { request: testRequest, rules } = type.test as ICredentialTestRequest;
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
	const node = {
		id: 'x',
		name: 'Temp-Node',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	const resolve = (value: string) =>
		workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: data }, undefined, '') as string;
	const options = testRequest as IHttpRequestOptions;
	const url = new URL(`${resolve(options.baseURL!)}${options.url}`);
	for (const [key, value] of Object.entries(options.qs ?? {})) url.searchParams.set(key, String(value));
	// The credential's authenticate block, applied by the harness's helper exactly as in the engine tests.
	const authenticated = await new TestCredentialsHelper({}, credentialTypes).authenticate(
		data as ICredentialDataDecryptedObject,
		'agileTelecomApi',
		{ url: url.toString() },
		workflow,
		node,
	);
	const response = await request(url, { headers: authenticated.headers as Record<string, string> });
	await response.body.text();
	const rule = rules?.find((r) => r.type === 'responseCode' && r.properties.value === response.statusCode);
	if (rule && rule.type === 'responseCode') return { status: 'Error', message: rule.properties.message, url: url.toString() };
	return response.statusCode < 300
		? { status: 'OK', message: 'Connection tested successfully', url: url.toString() }
		: { status: 'Error', message: `HTTP ${response.statusCode}`, url: url.toString() };
}

describe('the credential test', () => {
	const { sandbox } = useSandbox();

	it('passes with a working key, asking the list endpoint for one number', async () => {
		const result = await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl });
		expect(result.status).toBe('OK');
		expect(sandbox().requests.map((r) => [r.path, r.query])).toEqual([
			['/api/message-server/whatsapp/phone-numbers', { page: '0', limit: '1' }],
		]);
	});

	it('says in plain words that the key is wrong (401)', async () => {
		expect(await testCredential({ apiKey: 'nope', baseUrl: sandbox().baseUrl })).toMatchObject({
			status: 'Error',
			message: 'The API key is wrong or no longer active: check it in the Qlara dashboard',
		});
	});

	it('says in plain words that the key lacks WhatsApp permission (403)', async () => {
		expect(await testCredential({ apiKey: NO_WHATSAPP_API_KEY, baseUrl: sandbox().baseUrl })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/no permission for WhatsApp numbers/),
		});
	});

	it('accepts the same base URL shapes as the nodes (trailing slash, /api)', async () => {
		const result = await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: `${sandbox().baseUrl}//api/` });
		expect(result.status).toBe('OK');
		expect(result.url).toBe(`${sandbox().baseUrl}/api/message-server/whatsapp/phone-numbers?page=0&limit=1`);
	});

	it.each([301, 302, 303, 307, 308])(
		'refuses redirects (HTTP %i): n8n is told not to follow them, and a rule fails the test',
		async (status) => {
			const { credentialTypes } = await loadPackage();
			const { request: testRequest } = credentialTypes.get('agileTelecomApi')!.test as ICredentialTestRequest;
			expect(testRequest.disableFollowRedirect).toBe(true);
			sandbox().inject({ type: 'redirect', status, location: 'https://elsewhere.example/api' }, 1);
			expect(await testCredential({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox().baseUrl })).toMatchObject({
				status: 'Error',
				message: `The Base URL answered with a redirect (HTTP ${status}); the API key was not sent on. Set the Base URL to the address the API answers at`,
			});
		},
	);

	it('falls back to the production host when the base URL is empty', async () => {
		const { credentialTypes } = await loadPackage();
		const { request: testRequest } = credentialTypes.get('agileTelecomApi')!.test as ICredentialTestRequest;
		expect(testRequest.baseURL).toContain('https://lora-api.agiletelecom.com');
	});
});
