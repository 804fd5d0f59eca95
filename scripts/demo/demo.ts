/**
 * `npm run demo`: the package at work in a real n8n. Builds (npm script), starts the API sandbox,
 * prepares n8n once (cached in .cache/n8n), installs this package as a community package, imports the
 * sandbox credential and examples/, runs each example with n8n's CLI, watches the onboarding trigger
 * fire, prints a short summary of each, stops everything and exits 0.
 */
import { itemsOf, startDemoWorld, watchOnboarding, type DemoWorld } from './environment';

const log = (message: string) => console.log(`  ${message}`);

function heading(title: string): void {
	console.log(`\n▶ ${title}`);
}

async function runExample(world: DemoWorld, id: string) {
	const { code, result, stdout, stderr } = await world.n8n.executeWorkflow(id);
	if (!result) throw new Error(`n8n execute --id=${id} printed no run (exit ${code}):\n${(stdout + stderr).slice(-2000)}`);
	return result;
}

async function main(): Promise<void> {
	const started = Date.now();
	console.log('n8n-nodes-agiletelecom demo: a real n8n runs examples/ against the local API sandbox');
	const world = await startDemoWorld({ log });
	console.log(`  n8n ${world.version} on Node.js ${world.nodeVersion}`);
	try {
		heading('1. Numbers ready for a campaign (List: ACTIVE, GREEN, at least TIER_10K)');
		const ready = itemsOf(await runExample(world, 'agileExample01'), 'Ready numbers');
		for (const n of ready)
			log(
				`${n.displayName} ${n.phoneNumber}: ${n.status}, ${n.qualityRating}, ${n.messagingLimit} (${n.messagingLimitCapacity.toLocaleString('en-US')} recipients/24 h)`,
			);

		heading('2. Campaign gate (Check Readiness → IF ready)');
		const gate = await runExample(world, 'agileExample02');
		const [verdict] = itemsOf(gate, 'Check readiness');
		log(`${verdict.displayName} (${verdict.phoneNumberId}) for 5,000 recipients: ready = ${verdict.ready}, action = ${verdict.action}`);
		for (const reason of verdict.reasons) log(`  - ${reason}`);
		const [go] = itemsOf(gate, 'Start campaign');
		const [hold] = itemsOf(gate, 'Notify team');
		log(go ? `→ Start campaign from ${go.sender}` : `→ Notify team: "${hold?.notification}"`);

		heading('3. Choose the number for a brand (ShopItalia, 5,000 recipients)');
		const [chosen] = itemsOf(await runExample(world, 'agileExample03'), 'Choose number');
		log(`chosen: ${chosen.displayName} ${chosen.phoneNumber} (${chosen.phoneNumberId}): ${chosen.qualityRating}, ${chosen.messagingLimit}`);

		heading('4. Number details with a wrong ID (On Error: Continue)');
		for (const item of itemsOf(await runExample(world, 'agileExample05'), 'Number details')) {
			log(item.error ? `error item: ${item.error}` : `${item.phoneNumberId}: ${item.displayName}, ${item.status}, ${item.accountMode}`);
		}

		heading('5. Onboarding monitor (the trigger, active in a running n8n)');
		const execution = await watchOnboarding(world, log);
		for (const change of itemsOf(execution, 'Number changed'))
			log(`trigger saw: ${change.summary}${change.action ? ` (action: ${change.action})` : ''}`);
		for (const note of itemsOf(execution, 'Notify: ready to send')) log(`→ ${note.notification}`);
	} finally {
		await world.close();
	}
	console.log(`\nDone in ${Math.round((Date.now() - started) / 1000)} s; n8n and the sandbox are stopped.`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	},
);
