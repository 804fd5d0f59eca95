import type { INodePropertyOptions } from 'n8n-workflow';

import { withReadiness } from '../../../shared/numberState';
import { operationRouting } from '../../operationRouting';
import { readCampaignCriteria } from './campaignCriteria';
import { readChosenNumber } from './readChosenNumber';

export const checkReadinessOperation: INodePropertyOptions = {
	name: 'Check Readiness',
	value: 'checkReadiness',
	action: 'Check a phone number is ready for a campaign',
	description:
		'Tell whether a number can carry a campaign of N recipients now (ready, reasons, action), from one read of its details',
	routing: operationRouting(async (ctx, settings, run) => {
		const criteria = readCampaignCriteria(ctx);
		return [withReadiness(await readChosenNumber(ctx, settings, run), criteria)];
	}),
};
