/// <reference lib="dom" />
/**
 * Drives n8n's editor in Debian's Chromium with playwright-core, through n8n's own `data-test-id`s. Shared
 * by the editor tests (`npm run test:ui`) and the README's pictures (`npm run screenshots`).
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import { join } from 'node:path';

import { type DemoWorld, REPO_ROOT, startDemoWorld } from '../../scripts/demo/environment';

/** The account scripts/n8n sets up on a fresh instance. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const OWNER = (require(join(REPO_ROOT, 'scripts/n8n')) as { OWNER: { email: string; password: string } }).OWNER;

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The editor is slow on a busy machine: every wait is generous. */
export const TIMEOUT_MS = Number(process.env.UI_TIMEOUT_MS ?? 90_000);

/** The sandbox, and a real n8n with the package, the sandbox credential and the examples, listening. */
export async function startEditorWorld(log: (message: string) => void): Promise<DemoWorld & { url: string }> {
	const world = await startDemoWorld({ log });
	try {
		const { url } = await world.n8n.start();
		await world.n8n.api('GET', '/api/v1/workflows?limit=1'); // sets up the owner account the browser signs in with
		return { ...world, url };
	} catch (error) {
		await world.close();
		throw error;
	}
}

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	return await chromium.launch({
		executablePath: CHROMIUM,
		// Root needs --no-sandbox; the rest keeps Chromium from reaching for a network this machine lacks.
		args: [
			'--no-sandbox',
			'--headless',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/** One signed-in browser tab on the editor. */
export class Editor {
	private constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	static async open(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 800 }): Promise<Editor> {
		const page = await browser.newPage({ viewport });
		page.setDefaultTimeout(TIMEOUT_MS);
		page.setDefaultNavigationTimeout(TIMEOUT_MS);
		return new Editor(page, baseUrl);
	}

	async signIn(owner: { email: string; password: string }): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(owner.email);
		await this.page.locator('input[type="password"]').fill(owner.password);
		await this.page.keyboard.press('Enter');
		await this.page.waitForURL((url) => !url.pathname.includes('signin'));
	}

	canvasNode(name: string): Locator {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.page.locator('[data-test-id="canvas-node"]').first().waitFor();
	}

	/** Opens a node's details view (the canvas pane intercepts pointer events, hence force). */
	async openNode(name: string): Promise<void> {
		await this.canvasNode(name).dblclick({ force: true });
		await this.page.locator('[data-test-id="node-execute-button"]').first().waitFor();
	}

	async closeNode(): Promise<void> {
		await this.page.keyboard.press('Escape');
		await this.page.locator('[data-test-id="node-execute-button"]').first().waitFor({ state: 'hidden' });
	}

	/** An option of the open element-plus dropdown, by its visible text. */
	async pickOption(name: string): Promise<void> {
		await this.page.getByRole('option', { name, exact: true }).click();
	}

	async executeStep(): Promise<void> {
		await this.page.locator('[data-test-id="node-execute-button"]').first().click();
	}

	/** The output panel's text once it shows items. */
	async outputText(): Promise<string> {
		const container = this.page.locator('[data-test-id="output-panel"] [data-test-id="ndv-data-container"]');
		await container.waitFor();
		return await container.innerText();
	}

	/** Switches the output to its JSON view, where nested values (arrays of reasons, objects) show in full. */
	async showOutputAsJson(): Promise<void> {
		await this.page
			.locator('[data-test-id="output-panel"] [data-test-id="ndv-run-data-display-mode"]')
			.getByText('JSON', { exact: true })
			.click();
	}

	/** Opens the trigger of the onboarding example and fetches a test event, shown as JSON. */
	async fetchTriggerTestEvent(): Promise<void> {
		await this.openWorkflow('agileExample04');
		await this.openNode('Number changed');
		await this.page
			.getByRole('button', { name: /Fetch Test Event/i })
			.first()
			.click();
		await this.showOutputAsJson();
	}

	rlcItems(): Locator {
		return this.page.locator('[data-test-id="rlc-item"]');
	}

	rlcSearch(): Locator {
		return this.page.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input').first();
	}

	/**
	 * The part of each visible list label that is not hidden behind the ellipsis: the text whose glyphs end
	 * within the label's box. Computed from the rendered layout, as a person would read it.
	 */
	async visibleLabels(items: Locator): Promise<string[]> {
		return await items.evaluateAll((elements) =>
			elements.map((element) => {
				const span = element.querySelector('span');
				const text = span?.firstChild;
				if (!span || !text || text.nodeType !== Node.TEXT_NODE) return '';
				const content = text.textContent ?? '';
				if (span.scrollWidth <= span.clientWidth) return content;
				// Cut: what ends left of the ellipsis (about 12 px) is what a person reads.
				const limit = span.getBoundingClientRect().right - 12;
				const range = document.createRange();
				range.setStart(text, 0);
				let end = content.length;
				for (; end > 0; end--) {
					range.setEnd(text, end);
					if (range.getBoundingClientRect().right <= limit) break;
				}
				return content.slice(0, end);
			}),
		);
	}
}
