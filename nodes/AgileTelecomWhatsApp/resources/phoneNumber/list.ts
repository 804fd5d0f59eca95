import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MAX_PAGE_SIZE } from '../../../shared/constants';
import { withTierFields } from '../../../shared/numberOutput';
import { PHONE_NUMBER_STATUSES, QUALITY_RATINGS, type PhoneNumber } from '../../../shared/phoneNumber';
import { groupThousands, type LadderTier, TIER_LADDER, tierAtLeast } from '../../../shared/tiers';
import { operationRouting } from '../../operationRouting';
import { shapeOutput } from './outputOptions';

const showOnlyForList = { operation: ['list'], resource: ['phoneNumber'] };

interface ListFilters {
	status?: string[];
	qualityRating?: string[];
	minMessagingLimit?: LadderTier;
}

/**
 * The filters as one test, prepared once per execution rather than for every number: the chosen values
 * as sets, and nothing checked that the user left empty. Applied on every page, so that `limit` counts
 * matching numbers.
 */
export function filterTest(filters: ListFilters): (number: PhoneNumber) => boolean {
	const statuses = filters.status?.length ? new Set(filters.status) : undefined;
	const qualities = filters.qualityRating?.length ? new Set(filters.qualityRating) : undefined;
	const minimum = filters.minMessagingLimit;
	return (number) => {
		if (statuses && !statuses.has(String(number.status ?? '').toUpperCase())) return false;
		if (qualities && !qualities.has(String(number.qualityRating ?? '').toUpperCase())) return false;
		if (minimum && !tierAtLeast(number.messagingLimit, minimum)) return false;
		return true;
	};
}

export const listOperation: INodePropertyOptions = {
	name: 'Get Many',
	value: 'list',
	action: 'Get many phone numbers with status, quality, tier and capacity',
	description:
		"Retrieve a list of the account's WhatsApp Business phone numbers (ID, status, quality rating, messaging-limit tier and its capacity in recipients per 24 h), optionally filtered by status, quality and minimum tier",
	routing: operationRouting(async (ctx, settings, run) => {
		const returnAll = ctx.getNodeParameter('returnAll', false) as boolean;
		const limit = returnAll ? Number.POSITIVE_INFINITY : (ctx.getNodeParameter('limit', 50) as number);
		const filters = ctx.getNodeParameter('filters', {}) as ListFilters;
		const filtered = Boolean(filters.status?.length || filters.qualityRating?.length || filters.minMessagingLimit);
		const matches = filterTest(filters);
		// Unfiltered with a limit: ask for no more than needed (List with limit 5 = one small request).
		const pageSize = filtered || returnAll ? MAX_PAGE_SIZE : Math.min(limit, MAX_PAGE_SIZE);
		const results: IDataObject[] = [];
		// The run's items read one list: a page is fetched once, when the first item needs it.
		for await (const page of run.list(ctx, settings, pageSize).pages()) {
			for (const number of page) {
				if (!matches(number)) continue;
				results.push(withTierFields(number));
				if (results.length >= limit) return shapeOutput(ctx, results, false);
			}
		}
		return shapeOutput(ctx, results, false);
	}),
};

export const listFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: { show: showOnlyForList },
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { ...showOnlyForList, returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: showOnlyForList },
		options: [
			{
				displayName: 'Minimum Messaging Limit',
				name: 'minMessagingLimit',
				type: 'options',
				default: 'TIER_10K',
				description:
					'Only numbers whose tier is at least this one (unique recipients per 24 h). Numbers with an unknown or unset tier never pass.',
				options: TIER_LADDER.map(({ tier, capacity }) => ({
					name: capacity === Number.POSITIVE_INFINITY ? 'Unlimited' : `${tier} (${groupThousands(capacity)})`,
					value: tier,
				})),
			},
			{
				displayName: 'Quality Rating',
				name: 'qualityRating',
				type: 'multiOptions',
				default: [],
				description: 'Only numbers with one of these Meta quality ratings',
				options: QUALITY_RATINGS.map((rating) => ({ name: rating, value: rating })),
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				default: [],
				description: 'Only numbers with one of these statuses',
				options: PHONE_NUMBER_STATUSES.map((status) => ({ name: status, value: status })),
			},
		],
	},
];
