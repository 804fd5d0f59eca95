/**
 * `npm run screenshots`: regenerates the README's pictures (docs/images/*.png) from a real n8n with the
 * package, the sandbox and the examples, driven like the editor tests. Small on purpose: a moderate
 * viewport, PNG, and crops where a part of the screen tells the story.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../demo/environment';
import { Editor, launchBrowser, OWNER, startEditorWorld } from '../../test/ui/editor';

const OUT = join(REPO_ROOT, 'docs/images');
const VIEWPORT = { width: 1200, height: 720 };
const log = (message: string) => console.log(`  ${message}`);

async function main(): Promise<void> {
	mkdirSync(OUT, { recursive: true });
	const world = process.env.UI_BASE_URL ? { url: process.env.UI_BASE_URL, close: async () => undefined } : await startEditorWorld(log);
	const browser = await launchBrowser();
	const written: string[] = [];
	const shot = async (editor: Editor, name: string, clip?: { x: number; y: number; width: number; height: number }) => {
		const path = join(OUT, name);
		// Toasts ("Node executed successfully") cover the output's end.
		for (const close of await editor.page.locator('.el-notification__closeBtn').all()) await close.click().catch(() => undefined);
		await editor.page.mouse.move(0, 0);
		await editor.page.waitForTimeout(800);
		await editor.page.screenshot({ path, clip });
		written.push(path);
	};
	try {
		const editor = await Editor.open(browser, world.url, VIEWPORT);
		const { page } = editor;
		await editor.signIn(OWNER);

		// The number picker, then Check Readiness with its output, in example 2.
		await editor.openWorkflow('agileExample02');
		await editor.openNode('Check readiness');
		await page.locator('[data-test-id="rlc-mode-selector"]').click();
		await editor.pickOption('From list');
		await page.locator('[data-test-id="rlc-input"]').click();
		await editor.rlcItems().nth(2).waitFor();
		await page.mouse.move(0, 0);
		const panel = await page.locator('[data-test-id="resource-locator-phoneNumberId"]').boundingBox();
		if (!panel) throw new Error('the Phone Number parameter is not on screen');
		await shot(editor, 'number-picker.png', { x: panel.x - 16, y: panel.y - 200, width: panel.width + 32, height: 380 });
		await editor.rlcSearch().fill('sport');
		await editor.rlcItems().filter({ hasText: 'SportZone' }).first().click();
		await editor.executeStep();
		await editor.showOutputAsJson();
		await page.getByText('"reasons"', { exact: false }).first().waitFor();
		await page.waitForTimeout(1000);
		await shot(editor, 'check-readiness.png');
		await editor.closeNode();

		// The whole gate, run: the false branch lit with the reasons.
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		await page
			.getByText(/Workflow executed successfully/i)
			.first()
			.waitFor();
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await shot(editor, 'campaign-gate.png');

		// The trigger's test event, in example 4.
		await editor.fetchTriggerTestEvent();
		await page.getByText('"previous"', { exact: false }).first().waitFor();
		await page.waitForTimeout(1000);
		await shot(editor, 'trigger-test-event.png');
	} finally {
		await browser.close();
		await world.close();
	}
	let total = 0;
	for (const path of written) {
		const { size } = statSync(path);
		total += size;
		console.log(`${path.slice(REPO_ROOT.length + 1)}  ${(size / 1024).toFixed(0)} kB`);
	}
	console.log(`${written.length} pictures, ${(total / 1024).toFixed(0)} kB in all`);
}

main().catch((error: unknown) => {
	console.error(`screenshots failed: ${error instanceof Error ? error.stack : String(error)}`);
	process.exit(1);
});
