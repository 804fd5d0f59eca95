import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import type { MinQualityRating } from '../../../shared/phoneNumber';
import type { CampaignCriteria } from '../../../shared/readiness';

/** The campaign the number must carry: shared by Check Readiness and Choose for Campaign. */
export function campaignCriteriaFields(operations: string[]): INodeProperties[] {
	const show = { resource: ['phoneNumber'], operation: operations };
	return [
		{
			displayName: 'Recipients',
			name: 'recipients',
			type: 'number',
			required: true,
			default: 1000,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			displayOptions: { show },
			description: 'Planned unique recipients in the next 24 hours (e.g. 5000); the tier must allow at least this many',
		},
		{
			displayName: 'Minimum Quality Rating',
			name: 'minQualityRating',
			type: 'options',
			default: 'GREEN',
			displayOptions: { show },
			description: 'The lowest Meta quality rating the number may have; RED and UNKNOWN never pass',
			options: [
				{ name: 'GREEN Only', value: 'GREEN', description: 'Only numbers rated GREEN by Meta' },
				{ name: 'GREEN or YELLOW', value: 'YELLOW', description: 'Also accept numbers with a YELLOW warning' },
			],
		},
	];
}

export function readCampaignCriteria(ctx: IExecuteSingleFunctions): CampaignCriteria {
	const recipients = Number(ctx.getNodeParameter('recipients', 0));
	if (!Number.isInteger(recipients) || recipients < 1) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Recipients must be a whole number of at least 1 (got ${String(ctx.getNodeParameter('recipients', ''))})`,
			{
				itemIndex: ctx.getItemIndex(),
				description: 'Set Recipients to the number of unique recipients planned in the next 24 hours',
			},
		);
	}
	const minQualityRating = ctx.getNodeParameter('minQualityRating', 'GREEN') === 'YELLOW' ? 'YELLOW' : 'GREEN';
	return { recipients, minQualityRating: minQualityRating as MinQualityRating };
}
