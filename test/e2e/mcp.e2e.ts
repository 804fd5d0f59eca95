import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { measureOutputSize } from '../../bench/outputSize';
import { SIMPLIFIED_NUMBER_FIELDS } from '../../nodes/shared/outputFields';
import { generateNumbers, uc025Numbers } from '../sandbox/data';
import { SANDBOX_API_KEY } from '../sandbox/server';
import { EXAMPLES_DIR, REPO_ROOT, startDemoWorld, type DemoWorld } from '../../scripts/demo/environment';

/** The example's MCP Server Trigger: its path, and the Bearer credential it names (imported here with a test token). */
const trigger = JSON.parse(readFileSync(join(EXAMPLES_DIR, '06-campaign-tools-over-mcp.json'), 'utf8')).nodes.find(
	(node: { type: string }) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger',
);
const MCP_PATH: string = trigger.parameters.path;
const MCP_TOKEN = 'e2e-mcp-client-token';
const MCP_CREDENTIAL = { ...trigger.credentials.httpBearerAuth, type: 'httpBearerAuth' };

/** What n8n makes of an operation's action text when the tool's description is "Set Automatically". */
function designedDescriptions(): Record<string, string> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { AgileTelecomWhatsApp } = require(join(REPO_ROOT, 'dist/nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node.js'));
	const description = new AgileTelecomWhatsApp().description;
	const operation = description.properties.find((p: { name: string }) => p.name === 'operation');
	const action = (value: string): string => operation.options.find((o: { value: string }) => o.value === value).action;
	const inNode = ` in ${description.defaults.name}`;
	return {
		list_phone_numbers: action('list') + inNode,
		get_phone_number: action('get') + inNode,
		check_campaign_readiness: action('checkReadiness') + inNode,
		choose_number_for_campaign: action('chooseForCampaign') + inNode,
	};
}

interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

const textOf = (result: ToolResult): string => result.content.map((c) => c.text ?? '').join('\n');

/**
 * examples/06 active in a real n8n (N8N_VERSION, default 2.41.1): an MCP client from the official SDK
 * connects to its MCP Server Trigger over Streamable HTTP, as an outside agent would, and uses the
 * Agile Telecom WhatsApp tools against the sandbox.
 */
describe('the campaign tools over MCP, in a real n8n', () => {
	let world: DemoWorld;
	let client: Client;
	let mcpUrl: URL;
	const results: string[] = [];
	const log = (message: string) => console.log(message);

	async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
		const result = (await client.callTool({ name, arguments: args })) as ToolResult;
		results.push(JSON.stringify(result));
		return result;
	}

	/** A successful tool call's items (n8n returns the node's output items as one JSON array). */
	async function items(name: string, args: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
		const result = await call(name, args);
		if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
		return JSON.parse(textOf(result));
	}

	beforeAll(async () => {
		world = await startDemoWorld({ log });
		await world.n8n.importCredentials([{ ...MCP_CREDENTIAL, data: { token: MCP_TOKEN } }]);
		await world.n8n.activateWorkflow('agileExample06');
		// Under load (a shared 2-core machine) n8n may take minutes to come up.
		const start = world.n8n.start as (options: { timeoutMs: number }) => Promise<unknown>;
		await start({ timeoutMs: 300_000 });
		mcpUrl = new URL(`/mcp/${MCP_PATH}`, world.n8n.url);
		client = new Client({ name: 'agile-telecom-e2e', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { Authorization: `Bearer ${MCP_TOKEN}` } } }));
		log(`MCP client connected to ${mcpUrl.href} (Streamable HTTP)`);
	});
	afterAll(async () => {
		await client?.close().catch(() => undefined);
		await world?.close();
	});

	it('refuses a client without the Bearer token', async () => {
		const response = await fetch(mcpUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
			body: JSON.stringify({
				jsonrpc: '2.0',
				id: 1,
				method: 'initialize',
				params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'anonymous', version: '0' } },
			}),
		});
		await response.text(); // let the connection go
		expect(response.status).toBe(403);
	});

	it('lists the four tools with the descriptions and inputs an agent needs', async () => {
		expect(mcpUrl.pathname).toBe('/mcp/agile-telecom-whatsapp'); // the URL the README gives
		const { tools } = await client.listTools();
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		log(
			`tools/list:\n${tools.map((tool) => `  ${tool.name}: ${tool.description}\n    input: ${JSON.stringify(tool.inputSchema.properties)}`).join('\n')}`,
		);
		expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.description]))).toEqual(designedDescriptions());
		// What each returns and what an ID looks like, in the words the agent reads.
		expect(byName.check_campaign_readiness.description).toMatch(/ready.*reasons.*action/);
		expect(byName.list_phone_numbers.description).toMatch(/status.*quality.*tier.*capacity/);
		expect(byName.get_phone_number.description).toMatch(/waba-num-001/);
		// The $fromAI parameters become the tool's input schema.
		const check = byName.check_campaign_readiness.inputSchema;
		expect(Object.keys(check.properties ?? {}).sort()).toEqual(['minQualityRating', 'phoneNumberId', 'recipients']);
		expect(check.properties).toMatchObject({
			recipients: { type: 'number' },
			phoneNumberId: { type: 'string', description: expect.stringMatching(/waba-num-001/) },
		});
		expect(check.required).toEqual(expect.arrayContaining(['phoneNumberId', 'recipients']));
		expect(Object.keys(byName.list_phone_numbers.inputSchema.properties ?? {}).sort()).toEqual([
			'minMessagingLimit',
			'qualityRating',
			'status',
		]);
		expect(Object.keys(byName.choose_number_for_campaign.inputSchema.properties ?? {}).sort()).toEqual([
			'minQualityRating',
			'nameContains',
			'recipients',
		]);
	});

	it('Get Many with filters from the agent: the numbers ready for a large campaign', async () => {
		const numbers = await items('list_phone_numbers', { status: 'ACTIVE', qualityRating: 'green', minMessagingLimit: 'TIER_10K' });
		expect(numbers.map((n) => [n.phoneNumberId, n.messagingLimit, n.messagingLimitCapacity])).toEqual([
			['waba-num-001', 'TIER_10K', 10000],
			['waba-num-003', 'TIER_100K', 100000],
		]);
	});

	it('Check Readiness: SportZone cannot take 5,000 recipients, and the agent is told the three reasons', async () => {
		// minQualityRating left to its default (GREEN), as an agent would when the question names no quality.
		const [verdict] = await items('check_campaign_readiness', { phoneNumberId: 'waba-num-002', recipients: 5000 });
		expect(verdict).toMatchObject({ phoneNumberId: 'waba-num-002', displayName: 'SportZone', ready: false, action: 'wait' });
		expect(verdict.reasons).toEqual([
			expect.stringMatching(/^Status is PENDING/),
			expect.stringMatching(/^Quality rating is UNKNOWN/),
			'Messaging limit TIER_1K allows 1,000 unique recipients per 24 h; the campaign needs 5,000',
		]);
	});

	it('Choose for Campaign: ShopItalia for 5,000 recipients is waba-num-003', async () => {
		const chosen = await items('choose_number_for_campaign', { recipients: 5000, minQualityRating: 'GREEN', nameContains: 'ShopItalia' });
		expect(chosen).toEqual([
			expect.objectContaining({ phoneNumberId: 'waba-num-003', ready: true, reasons: [], action: 'send', messagingLimitCapacity: 100000 }),
		]);
	});

	it('Choose for Campaign with nothing fitting: a tool error naming each number and why', async () => {
		const result = await call('choose_number_for_campaign', { recipients: 5000, minQualityRating: 'GREEN', nameContains: 'SportZone' });
		expect(result.isError).toBe(true);
		expect(textOf(result)).toMatch(/No number fits a campaign of 5,000 recipients.*SportZone \(waba-num-002\): Status is PENDING/);
		expect(textOf(result)).toContain('Lower Recipients, set Minimum Quality Rating to GREEN or YELLOW');
	});

	it("Get with an unknown ID: the API's 404 message and the hint reach the client as a tool error", async () => {
		const result = await call('get_phone_number', { phoneNumberId: 'waba-num-999' });
		expect(result.isError).toBe(true);
		const text = textOf(result);
		log(`get_phone_number waba-num-999 → isError ${result.isError}: ${text}`);
		expect(text).toContain('Phone number not found: waba-num-999');
		expect(text).toContain('run Phone Number → Get Many to get the current IDs');
		expect(text).not.toMatch(/\n\s+at /); // no stack trace
		// The session survives the error: the next call works.
		const [number] = await items('get_phone_number', { phoneNumberId: 'waba-num-001' });
		expect(number).toMatchObject({ phoneNumberId: 'waba-num-001', status: 'ACTIVE' });
	});

	it('Output Simplified (the default the example keeps): the bytes an agent reads, as the bench measures them per mode', async () => {
		const engine = await measureOutputSize();
		const bytesOf = (operation: string, mode: string) => engine.find((r) => r.operation.startsWith(operation) && r.mode === mode)!.bytes;
		world.sandbox.numbers = generateNumbers(250);
		try {
			const list = await call('list_phone_numbers', {});
			const listText = textOf(list);
			const numbers = JSON.parse(listText) as Array<Record<string, unknown>>;
			expect(numbers).toHaveLength(250);
			for (const number of numbers) expect(Object.keys(number)).toEqual(expect.arrayContaining(['phoneNumberId', 'status']));
			expect(new Set(numbers.flatMap((n) => Object.keys(n)))).toEqual(new Set(SIMPLIFIED_NUMBER_FIELDS));
			const listBytes = Buffer.byteLength(listText);
			log(
				`list_phone_numbers over 250 numbers: ${listBytes} bytes (≈ ${Math.round(listBytes / 4)} tokens) over MCP; engine: raw ${bytesOf('Get Many', 'raw')}, simplified ${bytesOf('Get Many', 'simplified')}, selected ${bytesOf('Get Many', 'selected')}`,
			);
			expect(listBytes).toBe(bytesOf('Get Many', 'simplified'));
			expect(listBytes).toBeLessThan(0.75 * bytesOf('Get Many', 'raw'));
		} finally {
			world.sandbox.numbers = uc025Numbers();
		}
		const check = textOf(await call('check_campaign_readiness', { phoneNumberId: 'waba-num-002', recipients: 5000 }));
		const checkBytes = Buffer.byteLength(check);
		log(
			`check_campaign_readiness: ${checkBytes} bytes (≈ ${Math.round(checkBytes / 4)} tokens) over MCP; engine raw ${bytesOf('Check', 'raw')}`,
		);
		expect(checkBytes).toBe(bytesOf('Check', 'simplified'));
		expect(Object.keys(JSON.parse(check)[0])).toEqual([...SIMPLIFIED_NUMBER_FIELDS, 'ready', 'reasons', 'action']);
	});

	it('older clients reach the same tools over SSE (GET on the same URL)', async () => {
		const headers = { Authorization: `Bearer ${MCP_TOKEN}` };
		const sseClient = new Client({ name: 'agile-telecom-e2e-sse', version: '1.0.0' });
		await sseClient.connect(new SSEClientTransport(mcpUrl, { requestInit: { headers } })); // the SDK sends the headers on the GET too
		try {
			const { tools } = await sseClient.listTools();
			expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(designedDescriptions()).sort());
			const result = (await sseClient.callTool({ name: 'get_phone_number', arguments: { phoneNumberId: 'waba-num-003' } })) as ToolResult;
			results.push(JSON.stringify(result));
			expect(JSON.parse(textOf(result))).toEqual([
				expect.objectContaining({ phoneNumberId: 'waba-num-003', messagingLimitCapacity: 100000 }),
			]);
		} finally {
			await sseClient.close();
		}
	});

	it('the API key appears in no tool result, no stored execution and no n8n log line', async () => {
		expect(results.length).toBeGreaterThanOrEqual(5);
		expect(results.join('\n')).not.toContain(SANDBOX_API_KEY);
		const serverLog = readFileSync(join(world.n8n.userFolder, 'n8n-server.log'), 'utf8');
		expect(serverLog).toContain('Phone number not found: waba-num-999'); // the log does hold the tool's error…
		expect(serverLog).not.toContain(SANDBOX_API_KEY); // …but never the key
		const executions = await world.n8n.api('GET', '/api/v1/executions?workflowId=agileExample06&includeData=true&limit=250');
		log(`${(executions as { data: unknown[] }).data.length} stored executions of the MCP workflow`);
		expect(JSON.stringify(executions)).not.toContain(SANDBOX_API_KEY);
	});
});
