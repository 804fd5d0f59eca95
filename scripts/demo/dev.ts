/**
 * `npm run dev`: the API sandbox and the n8n editor on http://localhost:5678 with this package loaded
 * (as a community package), the sandbox credential and the examples imported. Rebuilds, reinstalls and
 * restarts n8n when nodes/ or credentials/ change. Ctrl-C stops everything.
 */
import { execFileSync } from 'node:child_process';
import { watch } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, startDemoWorld } from './environment';

const PORT = Number(process.env.N8N_PORT ?? 5678);
const log = (message: string) => console.log(`  ${message}`);

async function main(): Promise<void> {
	const world = await startDemoWorld({ log, port: Number(process.env.SANDBOX_PORT ?? 8787) });
	const { n8n } = world;
	await n8n.start({ port: PORT });
	await n8n.api('GET', '/api/v1/workflows?limit=1'); // sets up the owner account a person logs in with
	console.log(`\nn8n ${world.version} editor: http://localhost:${PORT}`);
	console.log(`  log in as ${n8n.owner.email} / ${n8n.owner.password}`);
	console.log(`  credential "Agile Telecom account" points at the sandbox ${world.sandbox.baseUrl}; examples are under Workflows`);
	console.log('  editing nodes/ or credentials/ rebuilds and restarts n8n; Ctrl-C stops everything\n');

	let timer: NodeJS.Timeout | undefined;
	let restarting = Promise.resolve();
	const rebuild = () => {
		restarting = restarting.then(async () => {
			try {
				console.log('change seen: rebuilding…');
				execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
				await n8n.stop();
				n8n.installCommunityPackage(REPO_ROOT);
				await n8n.start({ port: PORT });
				console.log(`reloaded: http://localhost:${PORT}`);
			} catch (error) {
				console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
			}
		});
	};
	const watchers = ['nodes', 'credentials'].map((dir) =>
		watch(join(REPO_ROOT, dir), { recursive: true }, () => {
			clearTimeout(timer);
			timer = setTimeout(rebuild, 500);
		}),
	);

	const shutdown = () => {
		console.log('\nstopping n8n and the sandbox…');
		for (const watcher of watchers) watcher.close();
		void restarting.then(() => world.close()).then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	console.error(`dev failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
