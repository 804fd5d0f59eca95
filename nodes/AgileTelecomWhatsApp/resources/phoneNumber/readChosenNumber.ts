import type { IExecuteSingleFunctions } from 'n8n-workflow';

import type { PhoneNumber } from '../../../shared/phoneNumber';
import { getPhoneNumber, phoneNumberPath, type RequestSettings } from '../../../shared/transport';
import type { RunItem } from '../../../shared/sharedReads';

/**
 * The number the item's Phone Number parameter names, read once per run of the node for all the items
 * that name it (the ID normalised as the request path has it, so " id " and "id" are one read).
 */
export async function readChosenNumber(ctx: IExecuteSingleFunctions, settings: RequestSettings, run: RunItem): Promise<PhoneNumber> {
	const id = ctx.getNodeParameter('phoneNumberId', undefined, { extractValue: true });
	const itemIndex = ctx.getItemIndex();
	const path = phoneNumberPath(ctx.getNode(), id, itemIndex);
	return await run.read(path, async () => await getPhoneNumber(ctx, id, settings, itemIndex));
}
