import type { INodePropertyOptions } from 'n8n-workflow';

import { withReadiness } from '../../../shared/numberOutput';
import { operationRouting } from '../../operationRouting';
import { readCampaignCriteria } from './campaignCriteria';
import { readChosenNumber } from './readChosenNumber';
import { shapeOutput } from './outputOptions';

export const checkReadinessOperation: INodePropertyOptions = {
	name: 'Check Readiness',
	value: 'checkReadiness',
	action: 'Check phone number readiness for N recipients (ready, reasons, action)',
	description:
		'Tell whether a phone number can carry a campaign of N recipients now: ready (true or false), reasons (one sentence per failed check), action (send, wait or contactSupport)',
	routing: operationRouting(async (ctx, settings, run) => {
		const criteria = readCampaignCriteria(ctx);
		return shapeOutput(ctx, [withReadiness(await readChosenNumber(ctx, settings, run), criteria)], true);
	}),
};
