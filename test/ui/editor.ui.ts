/**
 * `npm run test:ui`: the package as a no-code user meets it, in n8n's editor in a real browser. Each step
 * asserts what the user sees and leaves a screenshot; a failing run keeps the folder and prints its path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgileTelecomWhatsApp } from '../../nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node';
import { NO_WHATSAPP_API_KEY, SANDBOX_API_KEY } from '../sandbox/server';
import { Editor, launchBrowser, OWNER, startEditorWorld } from './editor';

const SCREENSHOTS = mkdtempSync(join(tmpdir(), 'agiletelecom-ui-'));
const log = (message: string) => console.log(`  ${message}`);

type Step = [name: string, run: (editor: Editor) => Promise<void>];

/** Fails with what was seen when `check` never holds within the time (the editor renders asynchronously). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		try {
			check(value);
			return value;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

/** The action texts in the order the node declares its operations (by name: Get before Get Many), which the node creator keeps. */
const ACTIONS = (new AgileTelecomWhatsApp().description.properties.find((p) => p.name === 'operation')?.options ?? []).map((option) =>
	'action' in option ? String(option.action) : '',
);
const READINESS_REASONS = [
	'Status is PENDING: onboarding with Meta is not finished',
	'Quality rating is UNKNOWN (not rated by Meta yet); the campaign requires GREEN',
	'Messaging limit TIER_1K allows 1,000 unique recipients per 24 h; the campaign needs 5,000',
];

function steps(owner: { email: string; password: string }): Step[] {
	return [
		[
			'sign in as the owner',
			async (editor) => {
				await editor.signIn(owner);
				await editor.page.locator('[data-test-id="resources-list-item-workflow"], [data-test-id="resources-list-item"]').first().waitFor();
			},
		],
		[
			'node creator: "agile" offers both nodes, the action node its four actions',
			async (editor) => {
				const { page } = editor;
				await editor.openWorkflow('agileExample02');
				await page.keyboard.press('n');
				await page.locator('[data-test-id="node-creator-search-bar"]').fill('agile');
				// n8n lists a node and its trigger as one entry; opening it shows the actions and the trigger.
				await eventually(
					() => page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts(),
					(seen) => assert.ok(seen.includes('Agile Telecom WhatsApp'), `offered: ${JSON.stringify(seen)}`),
				);
				await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^Agile Telecom WhatsApp$/ }).click();
				const categories = page.locator('[data-test-id="node-creator-category-item"]');
				await eventually(
					() => categories.allInnerTexts(),
					(seen) =>
						assert.deepEqual(
							seen.map((text) => text.trim()),
							['Actions (4)', 'Triggers (6)'],
						),
				);
				const actions = await eventually(
					() => page.locator('[data-test-id="node-creator"] [data-test-id="node-creator-item-name"]').allInnerTexts(),
					(seen) => assert.deepEqual(seen.slice(0, 4), ACTIONS),
				);
				await page.keyboard.press('Escape');
				log(`actions: ${actions.join(', ')}`);
			},
		],
		[
			'Check Readiness: "From list" shows the three numbers with status, quality and tier in full',
			async (editor) => {
				const { page } = editor;
				await editor.openWorkflow('agileExample02');
				await editor.openNode('Check readiness');
				await page.locator('[data-test-id="rlc-mode-selector"]').click();
				await editor.pickOption('From list');
				await page.locator('[data-test-id="rlc-input"]').click();
				const labels = await eventually(
					() => editor.visibleLabels(editor.rlcItems()),
					(seen) => {
						assert.equal(seen.length, 3, `three numbers, saw ${JSON.stringify(seen)}`);
						for (const state of ['ACTIVE · GREEN · TIER_10K', 'PENDING · UNKNOWN · TIER_1K', 'ACTIVE · GREEN · TIER_100K']) {
							assert.ok(
								seen.some((label) => label.includes(state)),
								`"${state}" readable in ${JSON.stringify(seen)}`,
							);
						}
					},
				);
				log(`readable labels: ${labels.join(' | ')}`);
			},
		],
		[
			'typing "sport" leaves only SportZone',
			async (editor) => {
				await editor.rlcSearch().fill('sport');
				const items = await eventually(
					() => editor.rlcItems().allInnerTexts(),
					(seen) => {
						assert.equal(seen.length, 1, `one number, saw ${JSON.stringify(seen)}`);
						assert.match(seen[0], /SportZone/);
					},
				);
				log(`left: ${items[0]}`);
			},
		],
		[
			'pick SportZone, Execute step: ready is false, with the three reasons',
			async (editor) => {
				await editor.rlcItems().first().click();
				await editor.executeStep();
				await editor.showOutputAsJson();
				const text = await eventually(
					() => editor.outputText(),
					(seen) => {
						assert.match(seen, /"ready":\s*false/);
						for (const reason of READINESS_REASONS) assert.ok(seen.includes(reason), `reason "${reason}" shown`);
					},
				);
				assert.match(text, /"phoneNumberId":\s*"waba-num-002"/);
			},
		],
		[
			'trigger: Fetch Test Event shows one item with event, previous and current',
			async (editor) => {
				await editor.fetchTriggerTestEvent();
				await eventually(
					() => editor.outputText(),
					(seen) => {
						for (const key of ['"event"', '"previous"', '"current"']) assert.ok(seen.includes(key), `${key} shown`);
					},
				);
				await eventually(
					() => editor.page.locator('[data-test-id="output-panel"]').innerText(),
					(seen) => assert.match(seen, /\b1 item\b/),
				);
			},
		],
		[
			'an ID that does not exist, On Error: Continue: the error item shows the API message',
			async (editor) => {
				await editor.openWorkflow('agileExample05');
				await editor.openNode('Number details');
				await editor.executeStep();
				await editor.showOutputAsJson();
				await eventually(
					() => editor.outputText(),
					(seen) => {
						assert.ok(seen.includes('Phone number not found: waba-num-999'), 'the API message in the error item');
						assert.match(seen, /"phoneNumberId":\s*"waba-num-001"/);
						assert.match(seen, /"phoneNumberId":\s*"waba-num-003"/);
					},
				);
			},
		],
		// Last: a failure halfway leaves the credential with a wrong key.
		...credentialSteps(),
	];
}

/** The credential's Test, as the user runs it: change the key, save, read the verdict; the right key last. */
function credentialSteps(): Step[] {
	const testWith = (apiKey: string, expected: RegExp) => async (editor: Editor) => {
		const { page } = editor;
		await page.goto(`${editor.baseUrl}/home/credentials/agileTelecomSandbox`);
		const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
		await dialog.waitFor();
		const key = dialog
			.locator('[data-test-id="parameter-input-apiKey"] input, [data-test-id="parameter-input-field"][title*="apiKey"]')
			.first();
		await key.fill(apiKey);
		await page.locator('[data-test-id="credential-save-button"]').click();
		// A failed test shows "Couldn't connect with these settings"; the reason is behind "More details".
		// The dialog also tests the saved key when it opens: read until the verdict for this key shows.
		const details = page.getByText('More details');
		await eventually(
			async () => {
				// The verdict of the previous key may be replaced while we click it: look again next round.
				if (await details.first().isVisible())
					await details
						.first()
						.click({ timeout: 2_000 })
						.catch(() => undefined);
				return await page.locator('body').innerText();
			},
			(seen) => assert.match(seen, expected),
		);
	};
	return [
		[
			'credential Test with a wrong key: the plain-words 401 message',
			testWith('wrong-key', /The API key is wrong or no longer active: check it in the Qlara dashboard/),
		],
		[
			'credential Test with a key without WhatsApp permission: the 403 message',
			testWith(NO_WHATSAPP_API_KEY, /The API key works but has no permission for WhatsApp numbers/),
		],
		['credential Test with the sandbox key: success', testWith(SANDBOX_API_KEY, /Connection tested successfully/)],
	];
}

async function main(): Promise<void> {
	console.log(`screenshots of each step: ${SCREENSHOTS}`);
	// UI_BASE_URL: an n8n already running from `npm run dev` (quicker while writing a step).
	const world = process.env.UI_BASE_URL
		? { url: process.env.UI_BASE_URL, n8n: { owner: OWNER }, close: async () => undefined }
		: await startEditorWorld(log);
	const browser = await launchBrowser();
	let failed: string | undefined;
	let passed = 0;
	try {
		const editor = await Editor.open(browser, world.url);
		let index = 0;
		// UI_STEPS=<regex>: only the matching steps (after signing in), while writing one.
		const only = process.env.UI_STEPS ? new RegExp(process.env.UI_STEPS, 'i') : undefined;
		for (const [name, run] of steps(world.n8n.owner).filter(([name], i) => i === 0 || !only || only.test(name))) {
			const file = join(SCREENSHOTS, `${String(++index).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
			const started = Date.now();
			try {
				await run(editor);
				await editor.page.screenshot({ path: file });
				console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
				passed++;
			} catch (error) {
				await editor.page.screenshot({ path: file }).catch(() => undefined);
				failed = name;
				console.log(`FAIL ${name}\n${error instanceof Error ? error.message : String(error)}`);
				break;
			}
		}
	} finally {
		await browser.close();
		await world.close();
	}
	// Later steps build on earlier ones, so the run stops at the first failure.
	console.log(`\neditor: ${passed} passed, ${failed ? 1 : 0} failed`);
	if (failed) {
		console.log(`the editor test failed at "${failed}"; screenshots of every step so far: ${SCREENSHOTS}`);
		process.exit(1);
	}
	if (process.env.UI_KEEP_SCREENSHOTS) console.log(`all steps passed; screenshots: ${SCREENSHOTS}`);
	else {
		rmSync(SCREENSHOTS, { recursive: true, force: true });
		console.log('all steps passed (UI_KEEP_SCREENSHOTS=1 keeps the screenshots)');
	}
}

main().catch((error: unknown) => {
	console.error(`test:ui could not run: ${error instanceof Error ? error.stack : String(error)}\nscreenshots: ${SCREENSHOTS}`);
	process.exit(1);
});
