/**
 * Keeps every request made with one credential under the API's per-key limits (a burst per second and a
 * budget per minute), across items, operations and concurrent executions in this n8n process.
 * Each caller reserves a start time in FIFO order, so 500 items become a steady stream instead of a flood.
 * Pacers are keyed by the credential's ID, never by the key itself.
 */
import { sleep } from 'n8n-workflow';

export interface RateLimit {
	perSecond: number;
	perMinute: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
/** Slack so that requests spaced exactly one window apart do not land inside the server's window. */
const WINDOW_SLACK_MS = { second: 25, minute: 250 } as const;
/** Below this many remaining requests (as the API reports), requests are spread over the minute. */
const LOW_REMAINING = 2;

class RequestPacer {
	/** Reserved start times, ascending; only the last `perMinute` matter. */
	private starts: number[] = [];
	/** Set while the API reports that the key's budget is nearly used up (e.g. by another client). */
	private spacingMs = 0;

	constructor(private limit: RateLimit) {}

	setLimit(limit: RateLimit): void {
		this.limit = limit;
	}

	/** Reserves the earliest start that keeps both windows under their limits; returns the delay. */
	reserve(now: number): number {
		const { perSecond, perMinute } = this.limit;
		const { starts } = this;
		let start = Math.max(now, starts.at(-1) ?? 0);
		if (starts.length >= perSecond) {
			start = Math.max(start, starts[starts.length - perSecond] + SECOND_MS + WINDOW_SLACK_MS.second);
		}
		if (starts.length >= perMinute) {
			start = Math.max(start, starts[starts.length - perMinute] + MINUTE_MS + WINDOW_SLACK_MS.minute);
		}
		if (this.spacingMs > 0 && starts.length > 0) {
			start = Math.max(start, starts[starts.length - 1] + this.spacingMs);
		}
		starts.push(start);
		if (starts.length > perMinute) starts.splice(0, starts.length - perMinute);
		return start - now;
	}

	/** Reads X-RateLimit-Remaining / X-RateLimit-Limit from a response. */
	observe(headers: Record<string, unknown>): void {
		const remaining = Number(headers['x-ratelimit-remaining']);
		if (!Number.isFinite(remaining)) return;
		const reportedLimit = Number(headers['x-ratelimit-limit']);
		const perMinute = Number.isFinite(reportedLimit) && reportedLimit > 0 ? reportedLimit : this.limit.perMinute;
		this.spacingMs = remaining <= LOW_REMAINING ? MINUTE_MS / perMinute : 0;
	}
}

const pacers = new Map<string, RequestPacer>();

function pacerFor(key: string, limit: RateLimit): RequestPacer {
	let pacer = pacers.get(key);
	if (!pacer) {
		pacer = new RequestPacer(limit);
		pacers.set(key, pacer);
	} else {
		pacer.setLimit(limit);
	}
	return pacer;
}

/** Waits until a request with this credential may start. */
export async function waitForTurn(key: string, limit: RateLimit): Promise<void> {
	const delay = pacerFor(key, limit).reserve(Date.now());
	if (delay > 0) await sleep(delay);
}

export function observeRateLimitHeaders(key: string, limit: RateLimit, headers: Record<string, unknown>): void {
	pacerFor(key, limit).observe(headers);
}
