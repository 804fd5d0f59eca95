import type { INodePropertyOptions } from 'n8n-workflow';

import { withTierFields } from '../../../shared/numberOutput';
import { operationRouting } from '../../operationRouting';
import { shapeOutput } from './outputOptions';
import { readChosenNumber } from './readChosenNumber';

export const getOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get phone number by ID (e.g. waba-num-001)',
	description: "Retrieve one phone number's details by its ID: status, quality, tier and capacity, account mode, name status",
	routing: operationRouting(async (ctx, settings, run) =>
		shapeOutput(ctx, [withTierFields(await readChosenNumber(ctx, settings, run))], true),
	),
};
