import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SANDBOX_API_KEY } from '../sandbox/server';
import { EXAMPLES_DIR, itemsOf, startDemoWorld, watchOnboarding, type DemoWorld } from '../../scripts/demo/environment';

/**
 * The example workflows in a real n8n (N8N_VERSION, default 2.41.1) with this package installed as a
 * community package, executed by n8n's CLI (and, for the trigger, by a running n8n) against the sandbox.
 */
describe(`examples in a real n8n ${process.env.N8N_VERSION ?? ''}`.trim(), () => {
	let world: DemoWorld;
	const cliOutput: string[] = [];
	const log = (message: string) => console.log(message);

	beforeAll(async () => {
		world = await startDemoWorld({ log });
	});
	afterAll(async () => {
		await world?.close();
	});

	async function execute(id: string) {
		const run = await world.n8n.executeWorkflow(id);
		cliOutput.push(run.stdout, run.stderr);
		if (!run.result)
			throw new Error(`n8n execute --id=${id} printed no run (exit ${run.code}):\n${(run.stdout + run.stderr).slice(-3000)}`);
		return run;
	}

	it('loads the package the way a Community Nodes install does', async () => {
		const names = (await world.n8n.listNodeTypes()).map((type) => type.name);
		expect(names).toEqual(
			expect.arrayContaining(['n8n-nodes-agiletelecom.agileTelecomWhatsApp', 'n8n-nodes-agiletelecom.agileTelecomWhatsAppTrigger']),
		);
	});

	it('example 1: List with status, quality and minimum-tier filters', async () => {
		const { code, result } = await execute('agileExample01');
		expect(code).toBe(0);
		const items = itemsOf(result, 'Ready numbers');
		expect(items.map((n) => [n.phoneNumberId, n.status, n.qualityRating, n.messagingLimit, n.messagingLimitCapacity])).toEqual([
			['waba-num-001', 'ACTIVE', 'GREEN', 'TIER_10K', 10000],
			['waba-num-003', 'ACTIVE', 'GREEN', 'TIER_100K', 100000],
		]);
	});

	it('example 2: a readiness verdict with its reasons, routed by IF', async () => {
		const { code, result } = await execute('agileExample02');
		expect(code).toBe(0);
		const [verdict] = itemsOf(result, 'Check readiness');
		expect(verdict).toMatchObject({ phoneNumberId: 'waba-num-002', ready: false, action: 'wait' });
		expect(verdict.reasons).toEqual([
			expect.stringMatching(/^Status is PENDING/),
			expect.stringMatching(/^Quality rating is UNKNOWN/),
			'Messaging limit TIER_1K allows 1,000 unique recipients per 24 h; the campaign needs 5,000',
		]);
		expect(itemsOf(result, 'Start campaign')).toEqual([]);
		expect(itemsOf(result, 'Notify team')[0].notification).toMatch(/^Campaign on hold for SportZone: Status is PENDING/);
	});

	it('example 3: Choose for Campaign picks the brand number with the larger tier', async () => {
		const { code, result } = await execute('agileExample03');
		expect(code).toBe(0);
		expect(itemsOf(result, 'Choose number')).toEqual([
			expect.objectContaining({ phoneNumberId: 'waba-num-003', ready: true, reasons: [] }),
		]);
	});

	it('example 5: a 404 under On Error: Continue keeps every item, in order', async () => {
		const { code, result } = await execute('agileExample05');
		expect(code).toBe(0);
		expect(itemsOf(result, 'Number details').map((i) => i.phoneNumberId ?? i.error)).toEqual([
			'waba-num-001',
			'Phone number not found: waba-num-999 [item 1]',
			'waba-num-003',
		]);
	});

	it('a wrong API key fails the run with a clear message', async () => {
		await world.n8n.importCredentials([
			{
				id: 'agileTelecomWrongKey',
				name: 'Agile Telecom wrong key',
				type: 'agileTelecomApi',
				data: { apiKey: 'wrong-key-e2e', baseUrl: world.sandbox.baseUrl },
			},
		]);
		const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, '01-numbers-ready-for-campaign.json'), 'utf8'));
		workflow.id = 'agileWrongKey';
		workflow.name = 'Agile Telecom: wrong key';
		for (const node of workflow.nodes) {
			if (node.credentials) node.credentials.agileTelecomApi = { id: 'agileTelecomWrongKey', name: 'Agile Telecom wrong key' };
		}
		await world.n8n.importWorkflows([workflow]);
		const { code, result, stdout } = await execute('agileWrongKey');
		expect(code).toBe(1);
		const error = result?.data.resultData.error as { message: string; description?: string } | undefined;
		expect(error?.message ?? stdout).toContain('Invalid or missing API key');
		expect(error?.description ?? stdout).toMatch(/correct and still active/);
		expect(JSON.stringify(result)).not.toContain('wrong-key-e2e');
	});

	it('example 4: the trigger, active in a running n8n, emits statusChanged when onboarding finishes', async () => {
		const execution = await watchOnboarding(world, log);
		const changes = itemsOf(execution, 'Number changed');
		expect(changes).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					event: 'statusChanged',
					phoneNumberId: 'waba-num-002',
					action: 'send',
					previous: expect.objectContaining({ status: 'PENDING' }),
				}),
			]),
		);
		expect(itemsOf(execution, 'Notify: ready to send')[0].notification).toBe(
			'SportZone finished onboarding: SportZone: status PENDING → ACTIVE',
		);
	});

	it('the API key appears in no CLI output and no server log line', () => {
		const serverLog = readFileSync(join(world.n8n.userFolder, 'n8n-server.log'), 'utf8');
		expect(cliOutput.join('\n') + serverLog).not.toContain(SANDBOX_API_KEY);
	});
});
