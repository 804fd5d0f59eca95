import type { INodeProperties } from 'n8n-workflow';

import { campaignCriteriaFields } from './campaignCriteria';
import { checkReadinessOperation } from './checkReadiness';
import { chooseForCampaignFields, chooseForCampaignOperation } from './chooseForCampaign';
import { getOperation } from './get';
import { listFields, listOperation } from './list';
import { outputParameters } from './outputOptions';
import { phoneNumberIdField } from './phoneNumberId';

const showOnlyForPhoneNumbers = { resource: ['phoneNumber'] };

export const phoneNumberDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForPhoneNumbers },
		options: [checkReadinessOperation, chooseForCampaignOperation, getOperation, listOperation],
		default: 'list',
	},
	...listFields,
	phoneNumberIdField(['get', 'checkReadiness']),
	...campaignCriteriaFields(['checkReadiness', 'chooseForCampaign']),
	...chooseForCampaignFields,
	...outputParameters({
		simplify: ['get', 'checkReadiness', 'chooseForCampaign'],
		output: ['get', 'checkReadiness', 'chooseForCampaign', 'list'],
	}),
];
