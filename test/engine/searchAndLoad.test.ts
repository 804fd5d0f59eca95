import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { generateNumbers } from '../sandbox/data';
import { loadPackage, PACKAGE_ROOT, searchList, type TestCredentials } from '../harness/engine';
import { fakeDateOnly, useSandbox } from '../harness/fixtures';

describe('the built package, as n8n loads it', () => {
	it("is found by n8n-core's PackageDirectoryLoader with the expected names", async () => {
		const { loader, credentialTypes } = await loadPackage();
		expect(Object.keys(loader.nodeTypes).sort()).toEqual(['agileTelecomWhatsApp', 'agileTelecomWhatsAppTrigger']);
		expect([...credentialTypes.keys()]).toEqual(['agileTelecomApi']);
		const { description } = loader.nodeTypes.agileTelecomWhatsApp.type as unknown as { description: Record<string, unknown> };
		expect(description.displayName).toBe('Agile Telecom WhatsApp');
		expect(description.usableAsTool).toBe(true);
		expect(description).not.toHaveProperty('execute');
		expect(credentialTypes.get('agileTelecomApi')?.displayName).toBe('Agile Telecom API');
		const trigger = (loader.nodeTypes.agileTelecomWhatsAppTrigger.type as unknown as { description: Record<string, unknown> }).description;
		expect(trigger).toMatchObject({ displayName: 'Agile Telecom WhatsApp Trigger', polling: true, inputs: [] });
		// The loader adds the declarative Options collection users see (timeout, batching, proxy).
		expect((description.properties as Array<{ name: string }>).map((p) => p.name)).toContain('requestOptions');
	});

	it('ships the icons and the codex in dist/', async () => {
		// The loader turns each file: icon into the URL n8n serves it from: icons/<package>/<path in the package>.
		const { loader } = await loadPackage();
		const prefix = `icons/${loader.packageName}/`;
		const iconUrls = [
			...Object.values(loader.nodeTypes).map(({ type }) => type.description.iconUrl),
			...Object.values(loader.credentialTypes).map(({ type }) => type.iconUrl),
		].flatMap((url) => (typeof url === 'object' ? [url.light, url.dark] : [url]));
		expect(iconUrls).toHaveLength(6);
		for (const url of iconUrls) {
			expect(url?.startsWith(prefix)).toBe(true);
			expect(existsSync(join(PACKAGE_ROOT, String(url).slice(prefix.length)))).toBe(true);
		}
		for (const file of [
			'dist/nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node.json',
			'dist/nodes/AgileTelecomWhatsAppTrigger/AgileTelecomWhatsAppTrigger.node.json',
		]) {
			expect(existsSync(join(PACKAGE_ROOT, file))).toBe(true);
		}
	});
});

describe('the resource locator list (listSearch) against the sandbox', () => {
	const { sandbox, credentials } = useSandbox();
	// The search keeps a one-minute copy of the list per credential; each test uses a credential of its own.
	let credentialId = '';
	let tests = 0;
	beforeEach(() => (credentialId = `search-${++tests}`));
	const search = (method: string, creds: TestCredentials, filter?: string, token?: string) =>
		searchList(method, creds, filter, token, credentialId);

	/** Swaps the sandbox's numbers for `count` generated ones during `body`. */
	async function withNumbers(count: number, body: () => Promise<void>): Promise<void> {
		const saved = sandbox().numbers;
		sandbox().numbers = generateNumbers(count);
		try {
			await body();
		} finally {
			sandbox().numbers = saved;
		}
	}

	/** Types `text` one character at a time, as the editor sends it; returns the last answer. */
	async function type(text: string) {
		let last;
		for (let i = 1; i <= text.length; i++) last = await search('searchPhoneNumbers', credentials(), text.slice(0, i));
		return last!;
	}

	it('labels each number with status, quality and tier first, then display name and number', async () => {
		const { results, paginationToken } = await search('searchPhoneNumbers', credentials());
		expect(results).toEqual([
			{ name: 'ACTIVE · GREEN · TIER_10K — ShopItalia · +390212345678', value: 'waba-num-001' },
			{ name: 'PENDING · UNKNOWN · TIER_1K — SportZone · +390287654321', value: 'waba-num-002' },
			{ name: 'ACTIVE · GREEN · TIER_100K — ShopItalia Support · +390211223344', value: 'waba-num-003' },
		]);
		expect(paginationToken).toBeUndefined();
		expect(sandbox().count()).toBe(1);
	});

	it.each([
		['sport', ['waba-num-002']],
		['SUPPORT', ['waba-num-003']],
		['+3902123', ['waba-num-001']],
		['+39 02 123', ['waba-num-001']],
		['waba-num-00', ['waba-num-001', 'waba-num-002', 'waba-num-003']],
		['s.r.l.', ['waba-num-001', 'waba-num-003']],
		['nothing', []],
	])('searches %p across name, number, ID and verified name', async (filter, expected) => {
		const { results } = await search('searchPhoneNumbers', credentials(), filter);
		expect(results.map((r) => r.value)).toEqual(expected);
	});

	it('reuses the list it read for the next keystrokes: typing "sport" costs one request in all', async () => {
		const { results } = await type('sport');
		expect(results.map((r) => r.value)).toEqual(['waba-num-002']);
		expect(sandbox().count()).toBe(1);
	});

	it('opens a large account on its first page and reads the next one only when scrolled to', async () => {
		await withNumbers(230, async () => {
			const first = await search('searchPhoneNumbers', credentials());
			expect(first.results.map((r) => r.value)).toEqual(
				sandbox()
					.numbers.slice(0, 100)
					.map((n) => n.phoneNumberId),
			);
			expect(sandbox().count()).toBe(1);
			const second = await search('searchPhoneNumbers', credentials(), undefined, first.paginationToken);
			expect(second.results.map((r) => r.value)).toEqual(
				sandbox()
					.numbers.slice(100, 200)
					.map((n) => n.phoneNumberId),
			);
			const third = await search('searchPhoneNumbers', credentials(), undefined, second.paginationToken);
			expect(third.results.map((r) => r.value)).toEqual(
				sandbox()
					.numbers.slice(200)
					.map((n) => n.phoneNumberId),
			);
			expect(third.paginationToken).toBeUndefined();
			expect(sandbox().count()).toBe(3);
		});
	});

	it('finds every match of a filter across the pages of a large account, reading each page once', async () => {
		await withNumbers(230, async () => {
			const expected = sandbox()
				.numbers.filter((n) => n.displayName === 'Brand 7')
				.map((n) => n.phoneNumberId);
			const found: unknown[] = [];
			let token: string | undefined;
			do {
				const answer = await search('searchPhoneNumbers', credentials(), 'brand 7 ', token);
				found.push(...answer.results.map((r) => r.value));
				token = answer.paginationToken;
			} while (token !== undefined);
			expect(found).toEqual(expected);
			expect(sandbox().count()).toBe(3);
		});
	});

	it('finds a number on page 50 of 10,000, and the next keystrokes cost nothing more', async () => {
		await withNumbers(10_000, async () => {
			const target = sandbox().numbers[4_950];
			await search('searchPhoneNumbers', credentials());
			const { results } = await type(String(target.phoneNumber));
			expect(results.map((r) => r.value)).toEqual([target.phoneNumberId]);
			// Page 0 at opening; then, once the typed prefix stopped matching page 0, the rest of the list, once:
			// a filter that matches fewer numbers than the dropdown shows must look at every page to be complete.
			expect(sandbox().count()).toBe(100);
			const byId = await search('searchPhoneNumbers', credentials(), String(target.phoneNumberId));
			expect(byId.results.map((r) => r.value)).toEqual([target.phoneNumberId]);
			expect(sandbox().count()).toBe(100);
		});
	});

	it('reads the list again once the short-lived copy is older than a minute', async () => {
		fakeDateOnly();
		try {
			await search('searchPhoneNumbers', credentials(), 'sport');
			jest.setSystemTime(Date.now() + 61_000);
			sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
			const { results } = await search('searchPhoneNumbers', credentials(), 'sportz');
			expect(results[0].name).toMatch(/^ACTIVE · UNKNOWN · TIER_1K/);
			expect(sandbox().count()).toBe(2);
		} finally {
			jest.useRealTimers();
			sandbox().updateNumber('waba-num-002', { status: 'PENDING' });
		}
	});

	it('does not share a copy between credentials with different keys', async () => {
		sandbox().addApiKey('second-key');
		await search('searchPhoneNumbers', credentials(), 'sport');
		await search('searchPhoneNumbers', { ...credentials(), apiKey: 'second-key' }, 'sport');
		expect(sandbox().count()).toBe(2);
	});

	it('shows the API error, and a failed read leaves no half-read list behind', async () => {
		await expect(search('searchPhoneNumbers', { ...credentials(), apiKey: 'wrong' }, 'sport')).rejects.toThrow(
			/Invalid or missing API key/,
		);
		sandbox().inject({ type: 'status', status: 500, body: '{"status":"error","message":"boom"}' }, 1, 'list');
		await expect(search('searchPhoneNumbers', credentials(), 'sport')).rejects.toThrow();
		const { results } = await search('searchPhoneNumbers', credentials(), 'sport');
		expect(results.map((r) => r.value)).toEqual(['waba-num-002']);
	});
});
