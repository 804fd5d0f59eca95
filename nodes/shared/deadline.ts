/**
 * A deadline for work whose own timeout cannot be trusted: n8n's request timeout is a socket idle timeout
 * (a server sending a byte a second never hits it) and n8n replaces any abort signal of ours. So the work
 * is raced against the clock, which is looked at in short sleeps (node code may not use timers).
 */
import { sleep } from 'n8n-workflow';

/** How long past the deadline the race may notice it; also how long a finished race's clock lingers. */
const CHECK_MS = 200;

/** Returned by `beforeDeadline` when the deadline came first. */
export const PAST_DEADLINE = Symbol('past deadline');

/**
 * The work's result, or PAST_DEADLINE once `deadlineAt` (a Date.now() instant) has passed. The work is
 * not cancelled; `onLate` gets its result should it still come, so nothing it holds is left unreleased.
 */
export async function beforeDeadline<T>(
	work: Promise<T>,
	deadlineAt: number,
	onLate?: (result: T) => void,
): Promise<T | typeof PAST_DEADLINE> {
	let settled = false;
	let late = false;
	const tracked = work.then(
		(result) => {
			settled = true;
			if (late) onLate?.(result);
			return result;
		},
		(error: unknown) => {
			settled = true;
			throw error;
		},
	);
	const clock = (async (): Promise<typeof PAST_DEADLINE> => {
		for (let left = deadlineAt - Date.now(); !settled && left > 0; left = deadlineAt - Date.now()) {
			await sleep(Math.min(left, CHECK_MS));
		}
		if (!settled) late = true;
		return PAST_DEADLINE;
	})();
	return await Promise.race([tracked, clock]);
}

/** Marks the errors thrown because the caller's time ran out, whatever their message. */
const deadlineErrors = new WeakSet<object>();

export function markDeadlineError<E extends Error>(error: E): E {
	deadlineErrors.add(error);
	return error;
}

/**
 * True for an error thrown because a caller's `deadlineAt` was reached; a request's own timeout is a
 * failure of the API, not of the caller's time, and is not one.
 */
export function isDeadlineError(error: unknown): boolean {
	return typeof error === 'object' && error !== null && deadlineErrors.has(error);
}
