import type { INodePropertyOptions } from 'n8n-workflow';

import { withTierFields } from '../../../shared/numberState';
import { operationRouting } from '../../operationRouting';
import { readChosenNumber } from './readChosenNumber';

export const getOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get a phone number',
	description: "Get one number's details: status, quality, tier, account mode, name status",
	routing: operationRouting(async (ctx, settings, run) => [withTierFields(await readChosenNumber(ctx, settings, run))]),
};
