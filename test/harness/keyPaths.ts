/** Every path of the package that sends the API key, each run through n8n-core the way n8n runs it. */
import { createPoller, loadTriggerOptions, runActionNode, searchList, type TestCredentials } from './engine';
import { chooseParams, getParams, listParams, readinessParams } from './fixtures';

/** What a path reports: its error (message and description), or nothing when it succeeded. */
export interface Attempt {
	error?: { message: string; description?: string | null };
}

export async function caught(work: () => Promise<unknown>): Promise<Attempt> {
	try {
		await work();
		return {};
	} catch (error) {
		const { message, description } = error as { message: string; description?: string };
		return { error: { message, description } };
	}
}

/**
 * An action node's error without the ` [item 0]` its message ends with, so every path's message compares
 * alike; a message without it is returned whole, and fails the comparison.
 */
export function itemError(result: { error?: Attempt['error'] }): Attempt {
	if (!result.error) return {};
	const { message, description } = result.error;
	return {
		error: { message: message.endsWith(' [item 0]') ? message.slice(0, -' [item 0]'.length) : `${message} (no [item 0])`, description },
	};
}

/** Every path that sends the key: the four operations, the picker, the trigger and its dropdown. */
export const KEY_PATHS: Array<[string, (credentials: TestCredentials) => Promise<Attempt>]> = [
	['Get', async (credentials) => itemError(await runActionNode({ parameters: getParams('waba-num-001'), credentials }))],
	['List', async (credentials) => itemError(await runActionNode({ parameters: listParams(), credentials }))],
	[
		'Check Readiness',
		async (credentials) => itemError(await runActionNode({ parameters: readinessParams('waba-num-001', 10), credentials })),
	],
	['Choose for Campaign', async (credentials) => itemError(await runActionNode({ parameters: chooseParams(10), credentials }))],
	['the number picker', (credentials) => caught(() => searchList('searchPhoneNumbers', credentials))],
	['the trigger', (credentials) => caught(async () => (await createPoller({ events: ['statusChanged'] }, credentials)).poll())],
	["the trigger's dropdown", (credentials) => caught(() => loadTriggerOptions('getPhoneNumbers', credentials))],
];
