/**
 * The demo's world, shared by `npm run demo`, `npm run dev` and the e2e tests: the API sandbox (in this
 * process, so its data can change while n8n watches), and a real n8n with this package installed the way
 * a user installs it (Community Nodes: <user folder>/.n8n/nodes), the sandbox credential and examples/.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ApiSandbox, SANDBOX_API_KEY } from '../../test/sandbox/server';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
/** The credential the examples name; importing them elsewhere, pick your own credential instead. */
export const SANDBOX_CREDENTIAL = { id: 'agileTelecomSandbox', name: 'Agile Telecom account', type: 'agileTelecomApi' };

// scripts/n8n is plain JavaScript, typed with JSDoc (checked by scripts/n8n/tsconfig.json); it is loaded from the
// repository at run time (it finds .cache/n8n relative to itself), its types from the sources.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const n8nScripts = require(join(REPO_ROOT, 'scripts/n8n')) as typeof import('../n8n');
export type N8nInstance = ReturnType<typeof n8nScripts.createInstance>;
export type Execution = import('../n8n/instance').Execution;

export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => join(EXAMPLES_DIR, file));
}

export interface DemoWorld {
	sandbox: ApiSandbox;
	n8n: N8nInstance;
	version: string;
	nodeVersion: string;
	close(): Promise<void>;
}

/**
 * Starts the sandbox (its three default numbers, SportZone PENDING), prepares n8n (installed once into .cache),
 * installs the built package as a community package, imports the credential and the examples.
 */
export async function startDemoWorld(
	options: { version?: string; port?: number; log?: (message: string) => void } = {},
): Promise<DemoWorld> {
	const log = options.log ?? ((message: string) => console.log(message));
	const sandbox = new ApiSandbox({ port: options.port ?? 0 });
	await sandbox.start();
	log(`API sandbox on ${sandbox.baseUrl} (three numbers; SportZone is PENDING)`);
	try {
		const runtime = await n8nScripts.ensureN8n({ version: options.version ?? process.env.N8N_VERSION, log });
		const { version, nodeVersion } = runtime;
		// Under jest NODE_ENV is "test", with which n8n's CLI prints no run: n8n runs as it would for a user.
		const n8n = n8nScripts.createInstance({ runtime, log, env: { NODE_ENV: 'production' } });
		const pkg = n8n.installCommunityPackage(REPO_ROOT);
		log(`installed ${pkg.name}@${pkg.version} into ${n8n.userFolder}/.n8n/nodes (as Settings → Community Nodes does)`);
		await n8n.importCredentials([
			{ ...SANDBOX_CREDENTIAL, data: { apiKey: SANDBOX_API_KEY, baseUrl: sandbox.baseUrl, plan: 'production' } },
		]);
		const ids = await n8n.importWorkflows(exampleFiles());
		log(`imported the credential "${SANDBOX_CREDENTIAL.name}" and ${ids.length} example workflows`);
		return {
			sandbox,
			n8n,
			version,
			nodeVersion,
			async close() {
				await n8n.stop();
				await sandbox.stop();
				rmSync(n8n.userFolder, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await sandbox.stop();
		throw error;
	}
}

/** The items a node produced in a run (last run, given output). */
export function itemsOf(run: Execution | undefined, nodeName: string, outputIndex = 0): ReturnType<typeof n8nScripts.nodeItems> {
	if (!run) throw new Error(`no run data (looking for "${nodeName}")`);
	const runs = run.data.resultData.runData[nodeName];
	if (!runs) return [];
	return n8nScripts.nodeItems(run, nodeName, outputIndex);
}

/**
 * Activates the trigger example, starts n8n (which polls once at activation: the baseline), then flips
 * SportZone from PENDING to ACTIVE and waits for the execution that the next poll (within a minute) starts.
 */
export async function watchOnboarding(world: DemoWorld, log: (message: string) => void, port?: number): Promise<Execution> {
	const { n8n, sandbox } = world;
	await n8n.activateWorkflow('agileExample04');
	sandbox.resetLog();
	await n8n.start({ port });
	const deadline = Date.now() + 60_000;
	while (sandbox.count('list') === 0) {
		if (Date.now() > deadline) throw new Error('the trigger did not poll the sandbox within 60 s of activation');
		await new Promise((r) => setTimeout(r, 250));
	}
	sandbox.updateNumber('waba-num-002', { status: 'ACTIVE', qualityRating: 'GREEN', nameStatus: 'APPROVED' });
	log(
		'the trigger stored its baseline; SportZone has now finished onboarding (ACTIVE, GREEN): waiting for the next poll (at most a minute)…',
	);
	const [execution] = await n8n.waitForExecutions('agileExample04', { min: 1, timeoutMs: 100_000 });
	return execution;
}
