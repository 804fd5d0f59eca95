/**
 * Which poll this is, so that a poll finding no stored snapshot can tell a first baseline from a lost one.
 *
 * - Classic polling: n8n builds one poll context when it activates the workflow and reuses it for the
 *   activation poll and every scheduled poll. A context seen before is a later poll.
 * - n8n's durable scheduler builds a new context for every poll (activation mode `update`) and gives it
 *   the poll's real budget, the lease less a margin; the poll n8n runs at activation gets n8n-core's
 *   unleased default of five minutes instead. A leased poll is never the first after activation, and
 *   because n8n 2.41 does not keep the activation poll's state, the first leased poll finds none.
 * If the contexts ever stop telling the two apart, the error is a `stateReset` too many, never a silence.
 */
import type { IPollFunctions } from 'n8n-workflow';

import { pollBudgetMs } from './pollBudget';

export type PollKind = 'manual' | 'firstAfterActivation' | 'later';

/** n8n-core's budget for a poll that runs outside the scheduler's lease (PollContext's default). */
const UNLEASED_BUDGET_MS = 5 * 60_000;

/** Contexts that have polled before; a context n8n drops is dropped here too. */
const polledContexts = new WeakSet<object>();

function isLeasedPoll(ctx: IPollFunctions): boolean {
	const budget = pollBudgetMs(ctx);
	return ctx.getActivationMode() === 'update' && budget !== undefined && budget < UNLEASED_BUDGET_MS;
}

export function pollKind(ctx: IPollFunctions): PollKind {
	if (ctx.getMode() === 'manual') return 'manual';
	if (polledContexts.has(ctx)) return 'later';
	polledContexts.add(ctx);
	return isLeasedPoll(ctx) ? 'later' : 'firstAfterActivation';
}
