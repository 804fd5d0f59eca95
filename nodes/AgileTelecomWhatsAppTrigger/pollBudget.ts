/**
 * A poll's time limit. Under n8n's durable scheduler a poll holds a lease and n8n abandons it (and backs
 * off) once its timeout passes; the context says how long the poll may take (getPollBudgetMs, n8n 2.41 and
 * later; the n8n-workflow types of older versions lack it). A poll that cannot read everything in time
 * gives up at the deadline and keeps the stored state, so the next poll starts from the same snapshot.
 */
import type { IPollFunctions } from 'n8n-workflow';

/** The poll's budget in ms where n8n provides one, else undefined. */
export function pollBudgetMs(ctx: IPollFunctions): number | undefined {
	const budget = (ctx as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	if (typeof budget !== 'function') return undefined;
	const ms = budget.call(ctx);
	return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The Date.now() instant the poll's reads must end by, if it has a budget. */
export function pollDeadline(ctx: IPollFunctions): number | undefined {
	const budget = pollBudgetMs(ctx);
	return budget === undefined ? undefined : Date.now() + budget;
}

export function warnOutOfTime(ctx: IPollFunctions, startedAt: number): void {
	const workflow = ctx.getWorkflow();
	const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
	ctx.logger.warn(
		`Agile Telecom WhatsApp Trigger "${ctx.getNode().name}" in workflow "${workflow.name ?? workflow.id}": the poll could not read the numbers within its budget (${seconds} s) and stopped; the stored state is unchanged, so the next poll reports the changes. If this repeats, watch fewer numbers (Phone Number Names or IDs), use a larger rate-limit plan, or raise N8N_SCHEDULER_POLL_TIMEOUT.`,
		{ workflowId: workflow.id, nodeId: ctx.getNode().id },
	);
}
