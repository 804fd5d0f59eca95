import type { INodePropertyOptions } from 'n8n-workflow';

import { withReadiness } from '../../../shared/numberState';
import { getPhoneNumber } from '../../../shared/transport';
import { operationRouting } from '../../operationRouting';
import { readCampaignCriteria } from './campaignCriteria';

export const checkReadinessOperation: INodePropertyOptions = {
	name: 'Check Readiness',
	value: 'checkReadiness',
	action: 'Check a phone number is ready for N recipients (ready, reasons, action)',
	description:
		'Tell whether a number can carry a campaign of N recipients now: ready (true or false), reasons (one sentence per failed check), action (send, wait or contactSupport)',
	routing: operationRouting(async (ctx, settings) => {
		const criteria = readCampaignCriteria(ctx);
		const id = ctx.getNodeParameter('phoneNumberId', undefined, { extractValue: true });
		return [withReadiness(await getPhoneNumber(ctx, id, settings, ctx.getItemIndex()), criteria)];
	}),
};
