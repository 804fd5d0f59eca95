/**
 * What the trigger says when a poll that is not the first after activation finds no stored snapshot:
 * the changes since the last poll that had one cannot be told apart, so instead of a silent new baseline
 * it logs a warning and emits one `stateReset` item for the workflow to re-check its numbers with Get Many.
 */
import type { IPollFunctions } from 'n8n-workflow';

export const STATE_RESET = 'stateReset';

export interface StateResetItem {
	[key: string]: string | number | null;
	event: typeof STATE_RESET;
	phoneNumberId: null;
	displayName: null;
	previous: null;
	current: null;
	/** Numbers in the new baseline. */
	numberCount: number;
	summary: string;
}

const SUMMARY =
	'The trigger found no stored snapshot of the numbers from its last poll and took a new baseline: changes made since then may not be reported. Re-check the numbers with the Agile Telecom WhatsApp node (Phone Number → Get Many).';

export function stateReset(ctx: IPollFunctions, numberCount: number): StateResetItem {
	const workflow = ctx.getWorkflow();
	ctx.logger.warn(
		`Agile Telecom WhatsApp Trigger "${ctx.getNode().name}" in workflow "${workflow.name ?? workflow.id}": ${SUMMARY} n8n did not hand this poll the state its previous poll stored (under n8n's durable poll cursors this happens on the first scheduled poll after activation).`,
		{ workflowId: workflow.id, nodeId: ctx.getNode().id, numberCount },
	);
	return { event: STATE_RESET, phoneNumberId: null, displayName: null, previous: null, current: null, numberCount, summary: SUMMARY };
}
