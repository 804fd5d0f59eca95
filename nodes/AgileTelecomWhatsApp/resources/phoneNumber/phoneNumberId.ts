import type { INodeProperties } from 'n8n-workflow';

/** The number to read: picked from a searchable list of the account's numbers, or given by ID. */
export function phoneNumberIdField(operations: string[]): INodeProperties {
	return {
		displayName: 'Phone Number',
		name: 'phoneNumberId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show: { resource: ['phoneNumber'], operation: operations } },
		description: 'The WhatsApp Business number: its ID (phoneNumberId, e.g. waba-num-001) as Get Many returns it',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'e.g. ShopItalia',
				typeOptions: { searchListMethod: 'searchPhoneNumbers', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. waba-num-001',
			},
		],
	};
}
