/**
 * Run in a fresh process by `npm run bench`: the package's own per-number code on 10,000 numbers, without
 * I/O or engine, next to the least plain JS doing the same: parsing the 100 pages, List's filters and
 * enrichment, and the trigger's snapshot and diff. Uses the built package (dist/). Prints JSON (ms, best of 25 runs).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { generateNumbers, LIST_FIELDS } from '../test/sandbox/data';
import type * as ListModule from '../nodes/AgileTelecomWhatsApp/resources/phoneNumber/list';
import type * as ChangesModule from '../nodes/AgileTelecomWhatsAppTrigger/numberChanges';
import type * as OutputModule from '../nodes/shared/numberOutput';

const dist = resolve(__dirname, '../../dist/nodes');
// The built package as n8n loads it, typed from the sources.
const loadBuilt = createRequire(__filename);
const { filterTest } = loadBuilt(`${dist}/AgileTelecomWhatsApp/resources/phoneNumber/list.js`) as typeof ListModule;
const { withTierFields } = loadBuilt(`${dist}/shared/numberOutput.js`) as typeof OutputModule;
const { diffSnapshot, takeSnapshot, CHANGE_EVENTS } = loadBuilt(
	`${dist}/AgileTelecomWhatsAppTrigger/numberChanges.js`,
) as typeof ChangesModule;

const COUNT = 10_000;
const summaries = generateNumbers(COUNT).map((n) => Object.fromEntries(LIST_FIELDS.filter((f) => f in n).map((f) => [f, n[f]])));
const pages: string[] = [];
for (let i = 0; i < COUNT; i += 100) pages.push(JSON.stringify({ phoneNumbers: summaries.slice(i, i + 100), total: COUNT }));
type Json = IDataObject;
const parsePages = (): Json[][] => pages.map((text) => (JSON.parse(text) as { phoneNumbers: Json[] }).phoneNumbers);

const FILTERS = { status: ['ACTIVE'], minMessagingLimit: 'TIER_1K' as const };
const RANK: Record<string, number> = { TIER_50: 0, TIER_250: 1, TIER_1K: 2, TIER_2K: 3, TIER_10K: 4, TIER_100K: 5, UNLIMITED: 6 };

function time(fn: () => unknown, runs = 25): number {
	// Best of `runs`: the intrinsic cost, least disturbed by other processes.
	for (let i = 0; i < 10; i++) fn();
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		fn();
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	return times[0];
}

const events = new Set(CHANGE_EVENTS);
const baseline = takeSnapshot(parsePages().flat(), '');
const changed = parsePages().flat();
for (let i = 0; i < changed.length; i += 100) changed[i] = { ...changed[i], status: changed[i].status === 'ACTIVE' ? 'PENDING' : 'ACTIVE' };

const result = {
	parse: time(parsePages),
	listPackage: time(() => {
		const test = filterTest(FILTERS);
		const out: Json[] = [];
		for (const page of parsePages()) for (const n of page) if (test(n)) out.push(withTierFields(n));
		return out;
	}),
	listPlain: time(() => {
		const out: Json[] = [];
		for (const page of parsePages())
			for (const n of page) if (n.status === 'ACTIVE' && (RANK[n.messagingLimit as string] ?? -1) >= 2) out.push(n);
		return out;
	}),
	allPackage: time(() => parsePages().map((page) => page.map(withTierFields))),
	triggerPackage: time(() => {
		const changes = diffSnapshot(baseline, changed, events);
		return [changes, JSON.stringify(takeSnapshot(changed, ''))];
	}),
};
console.log(JSON.stringify(result));
