/**
 * Run in a fresh process by `npm run bench`: how long `require` takes for n8n-workflow (already loaded in
 * any n8n process), then for the built action node, the trigger and the credential. Prints JSON (ms).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// A plain require at run time, not an import: the load itself is what is timed.
const load = createRequire(__filename);

const root = resolve(__dirname, '../..');
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

const t0 = process.hrtime.bigint();
load('n8n-workflow');
const t1 = process.hrtime.bigint();
load(resolve(root, 'dist/nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node.js'));
const t2 = process.hrtime.bigint();
load(resolve(root, 'dist/nodes/AgileTelecomWhatsAppTrigger/AgileTelecomWhatsAppTrigger.node.js'));
const t3 = process.hrtime.bigint();
load(resolve(root, 'dist/credentials/AgileTelecomApi.credentials.js'));
const t4 = process.hrtime.bigint();

console.log(
	JSON.stringify({ n8nWorkflow: ms(t0, t1), actionNode: ms(t1, t2), trigger: ms(t2, t3), credential: ms(t3, t4), package: ms(t1, t4) }),
);
