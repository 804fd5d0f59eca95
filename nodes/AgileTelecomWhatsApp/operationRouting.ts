/**
 * Glue between n8n's declarative routing and the shared transport. Every operation's routing names a
 * `pagination` function (the hook n8n gives a declarative node to drive its own requests, with the
 * request n8n built from requestDefaults, routing and Options); `operationRouting` wraps the operation so
 * that each output item is paired to its input item and, under "On Error: Continue", a failure becomes
 * exactly one error item in the input's place.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodePropertyRouting,
} from 'n8n-workflow';

import { PHONE_NUMBERS_PATH } from '../shared/constants';
import type { RequestSettings } from '../shared/transport';
import { readsOfRun, type RunItem } from '../shared/sharedReads';

/** One item's part of an operation; `run` shares reads with the other items of the node's run. */
export type OperationRun = (ctx: IExecutePaginationFunctions, settings: RequestSettings, run: RunItem) => Promise<IDataObject[]>;

/** The declarative Options (timeout, proxy, SSL) as the transport takes them. */
function requestSettings(ctx: IExecutePaginationFunctions, options: DeclarativeRestApiSettings.ResultOptions['options']): RequestSettings {
	// n8n fills in 300 s when Options → Timeout is unset: pass only what the user set (the transport defaults).
	return {
		timeout: ctx.getNodeParameter('requestOptions.timeout', 0) as number,
		proxy: options.proxy,
		skipSslCertificateValidation: Boolean(options.skipSslCertificateValidation),
		// Set by n8n when the credential restricts the domains it may be sent to.
		...(options.allowedDomains ? { allowedDomains: options.allowedDomains } : {}),
	};
}

/** "message [item 2]", once: a copy of an error that already names its item is left as it is. */
export function withItemSuffix(message: string, itemIndex: number): string {
	const suffix = ` [item ${itemIndex}]`;
	return message.endsWith(suffix) ? message : `${message}${suffix}`;
}

function itemRunner(run: OperationRun) {
	return async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const itemIndex = this.getItemIndex();
		const pairedItem = { item: itemIndex };
		const runItem = readsOfRun(this);
		try {
			const results = await run(this, requestSettings(this, requestData.options), runItem);
			return results.map((json) => ({ json, pairedItem }));
		} catch (error) {
			const nodeError =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error instanceof Error ? error : String(error), { itemIndex });
			nodeError.context.itemIndex = itemIndex;
			// n8n shows the item only in the details: the message names it, as n8n's guidelines ask.
			nodeError.message = withItemSuffix(nodeError.message, itemIndex);
			if (this.continueOnFail()) return [{ json: {}, error: nodeError, pairedItem }];
			throw nodeError;
		} finally {
			runItem.done();
		}
	};
}

/** The routing of one operation: n8n builds the request, `run` drives it through the shared transport. */
export function operationRouting(run: OperationRun): INodePropertyRouting {
	return {
		request: { method: 'GET', url: PHONE_NUMBERS_PATH },
		send: { paginate: true },
		operations: { pagination: itemRunner(run) },
	};
}
