/**
 * The node's output size parameters: Simplify on the node, Output (Simplified / Raw / Selected Fields) on
 * its AI tool variant, which n8n names with a "Tool" suffix and shows the `@tool` parameters on.
 */
import type { IDataObject, IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import { type OutputMode, SELECTABLE_FIELDS, shapeNumber } from '../../../shared/outputFields';

const OUTPUT_MODES: readonly OutputMode[] = ['simplified', 'raw', 'selected'];

/** `simplify`: the operations whose items have more than 10 fields; `output`: every operation. */
export function outputParameters(operations: { simplify: string[]; output: string[] }): INodeProperties[] {
	const resource = ['phoneNumber'];
	return [
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			displayOptions: { show: { resource, operation: operations.simplify, '@tool': [false] } },
			description: 'Whether to return a simplified version of the response instead of the raw data',
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'simplified',
			displayOptions: { show: { resource, operation: operations.output, '@tool': [true] } },
			options: [
				{
					name: 'Simplified',
					value: 'simplified',
					description: 'ID, display name, number, status, quality rating, tier and capacity (and ready, reasons, action when checked)',
				},
				{ name: 'Raw', value: 'raw', description: 'Every field the API returns, with the tier capacity' },
				{ name: 'Selected Fields', value: 'selected', description: 'The ID (phoneNumberId) and the fields chosen below' },
			],
			description: 'How many fields each number has in the answer the agent reads',
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			default: [],
			displayOptions: { show: { resource, operation: operations.output, '@tool': [true], output: ['selected'] } },
			options: Object.entries(SELECTABLE_FIELDS).map(([value, name]) => ({ name, value, description: `The ${value} field` })),
			description: 'The fields to return besides the ID (phoneNumberId), which is always returned',
		},
	];
}

function isToolVariant(ctx: IExecuteSingleFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * The items as the user asked for them. `hasSimplify`: whether the operation shows Simplify (without it,
 * the node outputs every field, as before the parameter existed).
 */
export function shapeOutput(ctx: IExecuteSingleFunctions, items: IDataObject[], hasSimplify: boolean): IDataObject[] {
	let mode: OutputMode = 'raw';
	let selected: string[] = [];
	if (isToolVariant(ctx)) {
		const chosen = ctx.getNodeParameter('output', 'simplified') as OutputMode;
		mode = OUTPUT_MODES.includes(chosen) ? chosen : 'simplified';
		if (mode === 'selected') selected = (ctx.getNodeParameter('fields', []) as unknown[]).map(String);
	} else if (hasSimplify && ctx.getNodeParameter('simplify', true) !== false) {
		mode = 'simplified';
	}
	return mode === 'raw' ? items : items.map((item) => shapeNumber(item, mode, selected));
}
