import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { BASE_URL_SUFFIXES, DEFAULT_BASE_URL, PHONE_NUMBERS_PATH, RATE_LIMIT_PLANS } from '../nodes/shared/constants';
import { groupThousands } from '../nodes/shared/tiers';

const { production, trial } = RATE_LIMIT_PLANS;

/** The transport's normalizeBaseUrl as an n8n expression, for the test request (n8n evaluates it). */
const BASE_URL_EXPRESSION = BASE_URL_SUFFIXES.reduce(
	(expression, suffix) => `${expression}.replace(${String(suffix)}, "")`,
	`($credentials.baseUrl || "${DEFAULT_BASE_URL}").trim()`,
);

export class AgileTelecomApi implements ICredentialType {
	// A literal: n8n's lint reads the credential's name from the source to match the nodes' credential references.
	name = 'agileTelecomApi';

	displayName = 'Agile Telecom API';

	icon: Icon = { light: 'file:../icons/agileTelecom.svg', dark: 'file:../icons/agileTelecom.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-agiletelecom#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API key of your Qlara account, with WhatsApp permission (Qlara dashboard → API keys)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'Change only to go through a proxy or to use a local API sandbox',
		},
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'options',
			default: 'production',
			description: "The API's per-key rate limits; the nodes pace their requests to stay under them",
			options: [
				{ name: `Production (${production.perSecond} Requests/s, ${groupThousands(production.perMinute)}/min)`, value: 'production' },
				{ name: `Trial (${trial.perSecond} Requests/s, ${groupThousands(trial.perMinute)}/min)`, value: 'trial' },
				{ name: 'Custom', value: 'custom' },
			],
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			default: production.perSecond,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { plan: ['custom'] } },
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			default: production.perMinute,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { plan: ['custom'] } },
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Api-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	// Asks for one number: proves the key works and has WhatsApp permission, at the cost of one request.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{${BASE_URL_EXPRESSION}}}`,
			url: PHONE_NUMBERS_PATH,
			qs: { page: 0, limit: 1 },
			// n8n would follow a redirect with the key to whatever origin it names: a 3xx fails the test instead.
			disableFollowRedirect: true,
		},
		rules: [
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `The Base URL answered with a redirect (HTTP ${value}); the API key was not sent on. Set the Base URL to the address the API answers at`,
				},
			})),
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The API key is wrong or no longer active: check it in the Qlara dashboard',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The API key works but has no permission for WhatsApp numbers: enable the WhatsApp channel for this key in the Qlara dashboard',
				},
			},
		],
	};
}
