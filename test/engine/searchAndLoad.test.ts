import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { generateNumbers } from '../sandbox/data';
import { loadPackage, PACKAGE_ROOT, searchList } from '../harness/engine';
import { useSandbox } from '../harness/fixtures';

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

	it('labels each number with display name, number, status, quality and tier', async () => {
		const { results } = await searchList('searchPhoneNumbers', credentials());
		expect(results).toEqual([
			{ name: 'ShopItalia · +390212345678 · ACTIVE · GREEN · TIER_10K', value: 'waba-num-001' },
			{ name: 'SportZone · +390287654321 · PENDING · UNKNOWN · TIER_1K', value: 'waba-num-002' },
			{ name: 'ShopItalia Support · +390211223344 · ACTIVE · GREEN · TIER_100K', value: 'waba-num-003' },
		]);
	});

	it.each([
		['sport', ['waba-num-002']],
		['SUPPORT', ['waba-num-003']],
		['+3902123', ['waba-num-001']],
		['waba-num-00', ['waba-num-001', 'waba-num-002', 'waba-num-003']],
		['s.r.l.', ['waba-num-001', 'waba-num-003']],
		['nothing', []],
	])('searches %p across name, number, ID and verified name', async (filter, expected) => {
		const { results } = await searchList('searchPhoneNumbers', credentials(), filter);
		expect(results.map((r) => r.value)).toEqual(expected);
	});

	it('reads every page of a large account', async () => {
		const saved = sandbox().numbers;
		sandbox().numbers = generateNumbers(230);
		try {
			const { results } = await searchList('searchPhoneNumbers', credentials(), 'brand 7 ');
			expect(results.length).toBe(sandbox().numbers.filter((n) => n.displayName === 'Brand 7').length);
			expect(sandbox().count()).toBe(3);
		} finally {
			sandbox().numbers = saved;
		}
	});
});
