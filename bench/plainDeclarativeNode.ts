/**
 * For comparison only: the Get operation as a plain declarative node would do it, with n8n's own request
 * handling (all items at once, no pacing, no retries). Not part of the package.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

export const PLAIN_NODE_TYPE = 'bench.plainDeclarativeGet';

export class PlainDeclarativeGet implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Plain Declarative Get',
		name: 'plainDeclarativeGet',
		group: ['transform'],
		version: 1,
		description: 'Baseline for benchmarks',
		defaults: { name: 'Plain Declarative Get' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agileTelecomApi', required: true }],
		requestDefaults: { baseURL: '={{$credentials.baseUrl}}', headers: { Accept: 'application/json' } },
		properties: [
			{
				displayName: 'Phone Number ID',
				name: 'phoneNumberId',
				type: 'string',
				default: '',
				routing: {
					request: { method: 'GET', url: '=/api/message-server/whatsapp/phone-numbers/{{encodeURIComponent($value)}}' },
				},
			},
		],
	};
}
