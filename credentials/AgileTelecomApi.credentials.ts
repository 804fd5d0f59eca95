import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AgileTelecomApi implements ICredentialType {
	name = 'agileTelecomApi';

	displayName = 'Agile Telecom API';

	icon: Icon = { light: 'file:agileTelecom.svg', dark: 'file:agileTelecom.dark.svg' };

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
			default: 'https://lora-api.agiletelecom.com',
			description: 'Change only to go through a proxy or to use a local API sandbox',
		},
		{
			displayName: 'Plan',
			name: 'plan',
			type: 'options',
			default: 'production',
			description: "The API's per-key rate limits; the nodes pace their requests to stay under them",
			options: [
				{ name: 'Production (50 Requests/s, 1,000/min)', value: 'production' },
				{ name: 'Trial (10 Requests/s, 100/min)', value: 'trial' },
				{ name: 'Custom', value: 'custom' },
			],
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { plan: ['custom'] } },
		},
		{
			displayName: 'Requests per Minute',
			name: 'requestsPerMinute',
			type: 'number',
			default: 1000,
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
			baseURL: '={{($credentials.baseUrl || "https://lora-api.agiletelecom.com").trim().replace(/\\/+$/, "").replace(/\\/api$/i, "").replace(/\\/+$/, "")}}',
			url: '/api/message-server/whatsapp/phone-numbers',
			qs: { page: 0, limit: 1 },
		},
		rules: [
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
