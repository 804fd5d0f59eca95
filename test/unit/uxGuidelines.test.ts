/**
 * n8n's UX guidelines for community nodes, the parts a machine can see, checked on every parameter of both
 * nodes and the credential, options nested in collections and fixed collections included.
 */
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { AgileTelecomApi } from '../../credentials/AgileTelecomApi.credentials';
import { AgileTelecomWhatsApp } from '../../nodes/AgileTelecomWhatsApp/AgileTelecomWhatsApp.node';
import { AgileTelecomWhatsAppTrigger } from '../../nodes/AgileTelecomWhatsAppTrigger/AgileTelecomWhatsAppTrigger.node';

/** Articles and short words Title Case writes in lower case (unless first). */
const SMALL_WORDS = new Set(['a', 'an', 'the', 'and', 'or', 'nor', 'but', 'of', 'for', 'in', 'on', 'to', 'by', 'at', 'per', 'as', 'via']);
const ARTICLES = new Set(['a', 'an', 'the']);
/** Names that keep their capitals inside a sentence. */
const PROPER_NOUNS = new Set(['WhatsApp', 'Meta', 'Qlara', 'Agile', 'Telecom']);

/** The words of a label, without the punctuation around them; words that start with a letter only. */
function words(text: string): string[] {
	return text
		.split(/\s+/)
		.map((word) => word.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, ''))
		.filter((word) => /^\p{L}/u.test(word));
}

const isAcronym = (word: string) => !/\p{Ll}/u.test(word); // ID, N, GREEN, TIER_10K
const hasDigitOrJoiner = (word: string) => /[\d_-]/.test(word); // waba-num-001

export function titleCaseProblem(label: string): string | undefined {
	const list = words(label);
	for (const [index, word] of list.entries()) {
		const lower = word.toLowerCase();
		if (index > 0 && SMALL_WORDS.has(lower)) {
			if (word !== lower) return `"${word}" is a small word: lower case in Title Case`;
		} else if (!/^\p{Lu}/u.test(word) && !hasDigitOrJoiner(word)) {
			return `"${word}" should start with a capital`;
		}
	}
	return undefined;
}

export function actionProblem(action: string): string | undefined {
	const list = words(action);
	if (!list.length || !/^\p{Lu}/u.test(list[0])) return 'should start with a capital (sentence case)';
	for (const word of list) {
		if (ARTICLES.has(word.toLowerCase())) return `has the article "${word}"`;
	}
	for (const word of list.slice(1)) {
		if (word === word.toLowerCase() || isAcronym(word) || hasDigitOrJoiner(word) || PROPER_NOUNS.has(word)) continue;
		return `"${word}" is capitalised: actions are in sentence case`;
	}
	return undefined;
}

interface Finding {
	where: string;
	problem: string;
}

type Option = INodePropertyOptions | INodeProperties | INodePropertyCollection;

const isProperty = (option: Option): option is INodeProperties => 'type' in option && 'displayName' in option;
const isCollection = (option: Option): option is INodePropertyCollection => 'values' in option && 'displayName' in option;

/** Every guideline finding in a list of properties, walking into options, collections and locator modes. */
export function uxFindings(properties: INodeProperties[], where: string): Finding[] {
	const findings: Finding[] = [];
	const report = (at: string, problem: string | undefined) => problem && findings.push({ where: at, problem });
	const visit = (property: INodeProperties, at: string) => {
		const here = `${at} › ${property.displayName}`;
		report(here, titleCaseProblem(property.displayName) && `display name: ${titleCaseProblem(property.displayName)}`);
		if (property.type === 'boolean' && !/^Whether\b/.test(property.description ?? '')) {
			report(here, `boolean description should start with "Whether": ${JSON.stringify(property.description)}`);
		}
		// A collection's placeholder is the label of its "Add …" button, not an example value.
		const isButton = property.type === 'collection' || property.type === 'fixedCollection';
		if (property.placeholder !== undefined && !isButton && !String(property.placeholder).startsWith('e.g. ')) {
			report(here, `placeholder should start with "e.g.": ${JSON.stringify(property.placeholder)}`);
		}
		for (const mode of property.modes ?? []) {
			report(`${here} › mode ${mode.displayName}`, titleCaseProblem(mode.displayName));
			if (mode.placeholder !== undefined && !mode.placeholder.startsWith('e.g. ')) {
				report(`${here} › mode ${mode.displayName}`, `placeholder should start with "e.g.": ${JSON.stringify(mode.placeholder)}`);
			}
		}
		for (const option of (property.options ?? []) as Option[]) {
			if (isProperty(option)) visit(option, here);
			else if (isCollection(option)) {
				const group = `${here} › ${option.displayName}`;
				report(group, titleCaseProblem(option.displayName));
				for (const value of option.values) visit(value, group);
			} else {
				const choice = `${here} › option ${option.name}`;
				report(choice, titleCaseProblem(option.name) && `dropdown title: ${titleCaseProblem(option.name)}`);
				if (option.action !== undefined) report(choice, actionProblem(option.action) && `action: ${actionProblem(option.action)}`);
			}
		}
	};
	for (const property of properties) visit(property, where);
	return findings;
}

describe("n8n's UX guidelines", () => {
	const action = new AgileTelecomWhatsApp().description;
	const trigger = new AgileTelecomWhatsAppTrigger().description;
	const credential = new AgileTelecomApi();

	it.each([
		['the action node', action.displayName, action.properties],
		['the trigger', trigger.displayName, trigger.properties],
		['the credential', credential.displayName, credential.properties],
	])('%s: Title Case labels, "Whether" booleans, "e.g." placeholders, actions in sentence case without articles', (_, name, properties) => {
		expect(titleCaseProblem(name)).toBeUndefined();
		expect(uxFindings(properties, name)).toEqual([]);
	});

	it('walks everything the nodes declare: every operation has an action, and nested options are seen', () => {
		const operation = action.properties.find((p) => p.name === 'operation');
		const operations = (operation?.options ?? []) as INodePropertyOptions[];
		expect(operations.map((o) => o.value).sort()).toEqual(['checkReadiness', 'chooseForCampaign', 'get', 'list']);
		expect(operations.every((o) => typeof o.action === 'string' && o.action.length > 0)).toBe(true);
		// A mistake planted in a nested collection option is found.
		const filters = JSON.parse(JSON.stringify(action.properties.find((p) => p.name === 'filters'))) as INodeProperties;
		(filters.options as INodeProperties[])[0].displayName = 'minimum messaging limit';
		expect(uxFindings([filters], 'x')).toEqual([expect.objectContaining({ where: expect.stringContaining('minimum messaging limit') })]);
	});

	it.each([
		['Get a phone number', /article "a"/],
		['Get the number', /article "the"/],
		['get phone number', /capital/],
		['Check Readiness of phone number', /"Readiness" is capitalised/],
	])('rejects the action %p', (text, problem) => {
		expect(actionProblem(text)).toMatch(problem);
	});

	it.each(['Get many phone numbers', 'Get phone number by ID (e.g. waba-num-001)', 'Check phone number readiness for N recipients'])(
		'accepts the action %p',
		(text) => expect(actionProblem(text)).toBeUndefined(),
	);

	it.each([
		['phone number', /"phone" should start with a capital/],
		['Requests Per Second', /"Per" is a small word/],
	])('rejects the label %p', (label, problem) => {
		expect(titleCaseProblem(label)).toMatch(problem);
	});

	it('finds a boolean without "Whether", a placeholder without "e.g." and one in a fixed collection', () => {
		const findings = uxFindings(
			[
				{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, description: 'Return everything' },
				{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'ShopItalia' },
				{
					displayName: 'Rules',
					name: 'rules',
					type: 'fixedCollection',
					default: {},
					placeholder: 'Add Rule',
					options: [{ displayName: 'Rule', name: 'rule', values: [{ displayName: 'is active', name: 'a', type: 'string', default: '' }] }],
				},
			],
			'sample',
		);
		expect(findings.map((f) => f.problem)).toEqual([
			expect.stringMatching(/^boolean description should start with "Whether"/),
			expect.stringMatching(/^placeholder should start with "e.g."/),
			expect.stringMatching(/"is" should start with a capital/),
		]);
	});
});
