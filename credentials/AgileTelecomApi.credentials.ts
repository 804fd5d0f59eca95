import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import { API_KEY_HEADER, DEFAULT_BASE_URL, RATE_LIMIT_PLANS } from '../nodes/shared/constants';
import { groupThousands } from '../nodes/shared/tiers';

const { production, trial } = RATE_LIMIT_PLANS;

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
				[API_KEY_HEADER]: '={{$credentials.apiKey}}',
			},
		},
	};

	// No declarative `test`: n8n would send it without the package's rules on where the key may go. Both
	// nodes name a test method instead (`testedBy`), which reads one number through the package's transport.
}
