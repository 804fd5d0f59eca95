import type { INodePropertyOptions } from 'n8n-workflow';

import { withTierFields } from '../../../shared/numberOutput';
import { operationRouting } from '../../operationRouting';
import { readChosenNumber } from './readChosenNumber';

export const getOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get a phone number by ID (e.g. waba-num-001)',
	description: "Get one number's details by its ID: status, quality, tier and capacity, account mode, name status",
	routing: operationRouting(async (ctx, settings, run) => [withTierFields(await readChosenNumber(ctx, settings, run))]),
};
