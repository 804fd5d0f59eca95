import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { searchPhoneNumbers } from './methods/searchPhoneNumbers';
import { phoneNumberDescription } from './resources/phoneNumber';
import { testAgileTelecomApi } from '../shared/credentialTest';

export class AgileTelecomWhatsApp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agile Telecom WhatsApp',
		name: 'agileTelecomWhatsApp',
		icon: { light: 'file:../../icons/agileTelecom.svg', dark: 'file:../../icons/agileTelecom.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'List, read, check and choose the WhatsApp Business numbers of an Agile Telecom (Qlara) account: status, quality rating, messaging-limit tier, and whether a number can carry a campaign of N recipients',
		defaults: { name: 'Agile Telecom WhatsApp' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agileTelecomApi', required: true, testedBy: 'agileTelecomApiTest' }],
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl}}',
			headers: { Accept: 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Phone Number', value: 'phoneNumber' }],
				default: 'phoneNumber',
			},
			...phoneNumberDescription,
		],
	};

	methods = {
		listSearch: { searchPhoneNumbers },
		credentialTest: { agileTelecomApiTest: testAgileTelecomApi },
	};
}
