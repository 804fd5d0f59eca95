import { NodeOperationError } from 'n8n-workflow';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { chooseForCampaign } from '../../../shared/campaignChoice';
import { describeNumber } from '../../../shared/numberLabels';
import { withReadiness } from '../../../shared/numberOutput';
import type { CampaignCriteria } from '../../../shared/readiness';
import { formatCapacity } from '../../../shared/tiers';
import { operationRouting } from '../../operationRouting';
import { readCampaignCriteria } from './campaignCriteria';
import { shapeOutput } from './outputOptions';

function noFitMessage(
	criteria: CampaignCriteria,
	nameContains: string,
	choice: ReturnType<typeof chooseForCampaign>,
	total: number,
): string {
	const campaign = `a campaign of ${formatCapacity(criteria.recipients)} recipients (quality ${criteria.minQualityRating === 'GREEN' ? 'GREEN' : 'GREEN or YELLOW'})`;
	if (choice.candidates === 0) {
		return nameContains.trim()
			? `No number's display name or verified name contains "${nameContains.trim()}" (${total} numbers checked)`
			: 'The account has no WhatsApp numbers';
	}
	const rejections = choice.rejected.map(({ number, reasons }) => `${describeNumber(number)}: ${reasons.join('; ')}`);
	return `No number fits ${campaign}. ${rejections.join(' | ')}`;
}

export const chooseForCampaignOperation: INodePropertyOptions = {
	name: 'Choose for Campaign',
	value: 'chooseForCampaign',
	action: 'Choose best phone number for campaign of N recipients',
	description:
		'Pick the best phone number for a campaign of N recipients, optionally of one brand (best quality first, then most capacity), with ready, reasons and action; stops naming why each number was rejected',
	routing: operationRouting(async (ctx, settings, run) => {
		const criteria = readCampaignCriteria(ctx);
		const nameContains = String(ctx.getNodeParameter('nameContains', '') ?? '');
		// Read once for all the run's items; each chooses on its own copy.
		const numbers = await run.list(ctx, settings).all();
		const choice = chooseForCampaign(numbers, criteria, nameContains);
		if (!choice.chosen) {
			throw new NodeOperationError(ctx.getNode(), noFitMessage(criteria, nameContains, choice, numbers.length), {
				itemIndex: ctx.getItemIndex(),
				description:
					'Lower Recipients, set Minimum Quality Rating to GREEN or YELLOW, or wait for onboarding to finish; Get Many shows every number with its status, quality and tier',
			});
		}
		return shapeOutput(ctx, [withReadiness(choice.chosen, criteria)], true);
	}),
};

export const chooseForCampaignFields: INodeProperties[] = [
	{
		displayName: 'Name Contains',
		name: 'nameContains',
		type: 'string',
		default: '',
		placeholder: 'e.g. SportZone',
		displayOptions: { show: { resource: ['phoneNumber'], operation: ['chooseForCampaign'] } },
		description: 'Only numbers whose display name or verified name contains this text (case-insensitive), e.g. the brand',
	},
];
