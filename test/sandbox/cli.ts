/**
 * `npm run sandbox`: starts the API sandbox and prints how to point the credential at it.
 *   --port 8787           port (default 8787; 0 = any free port)
 *   --numbers 2000        serve that many generated numbers instead of the three default ones
 *   --latency 20          answer every request after that many ms
 *   --activate-after 30   the PENDING number (waba-num-002) becomes ACTIVE/GREEN after that many seconds
 */
import { generateNumbers } from './data';
import { ApiSandbox, NO_WHATSAPP_API_KEY, SANDBOX_API_KEY } from './server';

function option(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
	const count = option('numbers');
	const sandbox = new ApiSandbox({
		port: Number(option('port') ?? 8787),
		numbers: count ? generateNumbers(Number(count)) : undefined,
		latencyMs: Number(option('latency') ?? 0),
	});
	const baseUrl = await sandbox.start();
	const activateAfter = option('activate-after');
	if (activateAfter && !count) {
		setTimeout(
			() => {
				sandbox.updateNumber('waba-num-002', { status: 'ACTIVE', qualityRating: 'GREEN', nameStatus: 'APPROVED' });
				console.log('waba-num-002 (SportZone) is now ACTIVE / GREEN');
			},
			Number(activateAfter) * 1000,
		);
	}
	console.log(`Agile Telecom API sandbox listening on ${baseUrl} (${sandbox.numbers.length} numbers)`);
	console.log('Point an "Agile Telecom API" credential at it:');
	console.log(`  Base URL: ${baseUrl}`);
	console.log(`  API Key:  ${SANDBOX_API_KEY}`);
	console.log(`  (a key without WhatsApp permission, for 403s: ${NO_WHATSAPP_API_KEY})`);
	console.log('Press Ctrl-C to stop.');
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();
