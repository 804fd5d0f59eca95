import { rmSync } from 'node:fs';

import { ApiSandbox, SANDBOX_API_KEY } from '../sandbox/server';
import { n8nScripts, REPO_ROOT, type N8nInstance } from '../../scripts/demo/environment';

const PACKAGE = 'n8n-nodes-agiletelecom';
const ACTION = `${PACKAGE}.agileTelecomWhatsApp`;
const TRIGGER = `${PACKAGE}.agileTelecomWhatsAppTrigger`;
const LIST_PATH = '/api/message-server/whatsapp/phone-numbers';
const BROWSER_ID = 'security-e2e-browser';

/** One credential per case: redirected (plain), and restricted by n8n's "Allowed Domains" to another domain. */
const PLAIN = { id: 'agileSecurityPlain', name: 'Agile plain', type: 'agileTelecomApi' };
const RESTRICTED = { id: 'agileSecurityRestricted', name: 'Agile restricted', type: 'agileTelecomApi' };

function actionWorkflow(id: string, credential: { id: string; name: string }) {
	return {
		id,
		name: id,
		nodes: [
			{ id: 'm', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a',
				name: 'Get number',
				type: ACTION,
				typeVersion: 1,
				position: [200, 0],
				parameters: { resource: 'phoneNumber', operation: 'get', phoneNumberId: { __rl: true, mode: 'id', value: 'waba-num-001' } },
				credentials: { agileTelecomApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'Get number', type: 'main', index: 0 }]] } },
		settings: {},
	};
}

function triggerWorkflow(id: string, credential: { id: string; name: string }) {
	return {
		id,
		name: id,
		nodes: [
			{
				id: 't',
				name: 'Number changes',
				type: TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				parameters: { events: ['statusChanged'], pollTimes: { item: [{ mode: 'everyHour' }] } },
				credentials: { agileTelecomApi: credential },
			},
		],
		connections: {},
		settings: {},
	};
}

/**
 * The paths n8n itself drives, in a real n8n 2.41.1 with the package installed: the credential's Test, the
 * trigger's activation, the picker and the trigger's dropdown through n8n's REST API, an action node run by
 * n8n's CLI. Under a redirect to another origin (a second sandbox that records what reaches it) and under
 * "Allowed Domains" set to another domain, each refuses and the key reaches nothing but the API.
 */
describe('the API key in a real n8n: redirects and allowed domains', () => {
	const api = new ApiSandbox();
	const other = new ApiSandbox();
	let n8n: N8nInstance;
	let cookie = '';

	beforeAll(async () => {
		await api.start();
		await other.start();
		const runtime = await n8nScripts.ensureN8n({ version: process.env.N8N_VERSION });
		n8n = n8nScripts.createInstance({ runtime, env: { NODE_ENV: 'production' }, log: () => undefined });
		n8n.installCommunityPackage(REPO_ROOT);
		const base = { apiKey: SANDBOX_API_KEY, baseUrl: api.baseUrl, plan: 'production' };
		await n8n.importCredentials([
			{ ...PLAIN, data: base },
			{ ...RESTRICTED, data: { ...base, allowedHttpRequestDomains: 'domains', allowedDomains: 'lora-api.agiletelecom.com' } },
		]);
		await n8n.importWorkflows([
			actionWorkflow('securityGetRestricted', RESTRICTED),
			triggerWorkflow('securityTriggerRedirected', PLAIN),
			triggerWorkflow('securityTriggerRestricted', RESTRICTED),
		]);
		await n8n.start();
		await n8n.api('GET', '/api/v1/workflows'); // sets the owner up
		const login = await fetch(`${n8n.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify({ emailOrLdapLoginId: n8n.owner.email, password: n8n.owner.password }),
		});
		cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		expect(login.status).toBe(200);
	});
	afterAll(async () => {
		await n8n?.stop();
		await api.stop();
		await other.stop();
		if (n8n) rmSync(n8n.userFolder, { recursive: true, force: true });
	});
	beforeEach(() => {
		api.clearFaults();
		api.resetLog();
		other.resetLog();
	});

	async function rest(path: string, body: unknown): Promise<{ status: number; text: string; json: { data?: unknown; message?: string } }> {
		const res = await fetch(`${n8n.url}/rest${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID, cookie },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, text, json: JSON.parse(text) };
	}
	const credentialTest = (credential: typeof PLAIN, data: Record<string, unknown>) =>
		rest('/credentials/test', {
			credentials: { ...credential, data: { apiKey: SANDBOX_API_KEY, baseUrl: api.baseUrl, plan: 'production', ...data } },
		});
	const picker = (credential: typeof PLAIN) =>
		rest('/dynamic-node-parameters/resource-locator-results', {
			nodeTypeAndVersion: { name: ACTION, version: 1 },
			path: 'parameters.phoneNumberId',
			methodName: 'searchPhoneNumbers',
			currentNodeParameters: { resource: 'phoneNumber', operation: 'get' },
			credentials: { agileTelecomApi: { id: credential.id, name: credential.name } },
		});
	const dropdown = (credential: typeof PLAIN) =>
		rest('/dynamic-node-parameters/options', {
			nodeTypeAndVersion: { name: TRIGGER, version: 1 },
			path: 'parameters.phoneNumberIds',
			methodName: 'getPhoneNumbers',
			currentNodeParameters: { events: ['statusChanged'] },
			credentials: { agileTelecomApi: { id: credential.id, name: credential.name } },
		});
	/** n8n polls once at activation: what a refused activation, or n8n's log of that first poll, says about `expected`. */
	const activate = async (workflowId: string, expected: string): Promise<string> => {
		const logStart = n8n.serverOutput.length;
		try {
			await n8n.api('POST', `/api/v1/workflows/${workflowId}/activate`);
		} catch (error) {
			return (error as Error).message;
		}
		for (let waited = 0; waited < 20_000 && !n8n.serverOutput.slice(logStart).includes(expected); waited += 250) {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		return n8n.serverOutput.slice(logStart);
	};
	const redirectElsewhere = (times = 1) => api.inject({ type: 'redirect', location: `${other.baseUrl}${LIST_PATH}` }, times);

	it('the credential Test passes with no redirect (the control)', async () => {
		const { json } = await credentialTest(PLAIN, {});
		expect(json.data).toMatchObject({ status: 'OK' });
		expect(api.count()).toBe(1);
	});

	it('the credential Test refuses a redirect to another origin; the other origin sees nothing', async () => {
		redirectElsewhere();
		const { json } = await credentialTest(PLAIN, {});
		expect(json.data).toMatchObject({
			status: 'Error',
			message: `The API at ${api.baseUrl} redirected (HTTP 302) to ${other.baseUrl}; the API key was not sent there. If ${other.baseUrl} is the API, set the Base URL in the 'Agile Telecom API' credential to it`,
		});
		expect(api.requests.map((r) => r.status)).toEqual([302]);
		expect(other.requests).toEqual([]);
	});

	it('the credential Test follows a redirect within the same origin', async () => {
		api.inject({ type: 'redirect', status: 307, location: 'self' }, 1);
		const { json } = await credentialTest(PLAIN, {});
		expect(json.data).toMatchObject({ status: 'OK' });
		expect(api.requests.map((r) => [r.status, r.hadApiKey])).toEqual([
			[307, true],
			[200, true],
		]);
	});

	it('the credential Test refuses Allowed Domains set to another domain, and plain HTTP to the network, sending nothing', async () => {
		const restricted = await credentialTest(RESTRICTED, {
			allowedHttpRequestDomains: 'domains',
			allowedDomains: 'lora-api.agiletelecom.com',
		});
		expect(restricted.json.data).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(
				/^Domain not allowed: the credential may be sent only to lora-api\.agiletelecom\.com, and the Base URL's host is 127\.0\.0\.1/,
			),
		});
		const plainHttp = await credentialTest(PLAIN, { baseUrl: 'http://10.255.255.1:9' });
		expect(plainHttp.json.data).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/uses plain HTTP: the API key would cross the network unencrypted\. Use https:\/\//),
		});
		expect(api.count()).toBe(0);
	});

	it('the picker and the trigger dropdown refuse a redirect to another origin, naming both', async () => {
		for (const call of [() => picker(PLAIN), () => dropdown(PLAIN)]) {
			api.resetLog();
			redirectElsewhere();
			const { status, text } = await call();
			expect(status).toBeGreaterThanOrEqual(400);
			expect(text).toContain(`The API at ${api.baseUrl} redirected (HTTP 302) to ${other.baseUrl}; the API key was not sent there`);
			expect(text).not.toContain(SANDBOX_API_KEY);
			expect(api.count()).toBe(1);
		}
		expect(other.requests).toEqual([]);
	});

	it('the trigger refuses a redirect to another origin when activated', async () => {
		redirectElsewhere(5);
		const expected = `redirected (HTTP 302) to ${other.baseUrl}; the API key was not sent there`;
		expect(await activate('securityTriggerRedirected', expected)).toContain(expected);
		expect(other.requests).toEqual([]);
	});

	it('with Allowed Domains set to another domain, the picker and the dropdown refuse and send nothing', async () => {
		for (const call of [() => picker(RESTRICTED), () => dropdown(RESTRICTED)]) {
			const { status, text } = await call();
			expect(status).toBeGreaterThanOrEqual(400);
			expect(text).toContain('Domain not allowed: the credential may be sent only to lora-api.agiletelecom.com');
		}
		expect(api.count()).toBe(0);
	});

	it('with Allowed Domains set to another domain, the trigger refuses to activate and an action node fails, sending nothing', async () => {
		expect(await activate('securityTriggerRestricted', 'Domain not allowed')).toContain('Domain not allowed');
		const { code, stdout, stderr } = await n8n.executeWorkflow('securityGetRestricted');
		expect(code).toBe(1);
		expect(stdout + stderr).toContain('Domain not allowed: the credential may be sent only to lora-api.agiletelecom.com');
		expect(stdout + stderr).not.toContain(SANDBOX_API_KEY);
		expect(api.count()).toBe(0);
	});
});
