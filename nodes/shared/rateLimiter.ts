/**
 * Keeps every request made with one credential under the API's per-key limits (a burst per second and a
 * budget per minute), across items, operations and concurrent executions in this n8n process.
 * Each caller reserves a start time in FIFO order, so 500 items become a steady stream instead of a flood.
 * When the API's X-RateLimit-Remaining shows that something else (another n8n, a script) uses the same
 * key, the per-minute budget shrinks by that much. Pacers are keyed by the credential's ID, never by the key.
 */
import { sleep } from 'n8n-workflow';

export interface RateLimit {
	perSecond: number;
	perMinute: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
/** Slack so that requests spaced exactly one window apart do not land inside the server's window. */
const WINDOW_SLACK_MS = { second: 100, minute: 500 } as const;

class RequestPacer {
	/** Reserved start times, ascending; only the last `perMinute` matter. */
	private starts: number[] = [];
	/** Requests in the API's current window that were not ours, as last reported by the API. */
	private othersInWindow = 0;

	constructor(private limit: RateLimit) {}

	setLimit(limit: RateLimit): void {
		this.limit = limit;
	}

	/** Reserves the earliest start that keeps both windows under their limits; returns the delay. */
	reserve(now: number): number {
		const perSecond = this.limit.perSecond;
		const perMinute = Math.max(1, this.limit.perMinute - this.othersInWindow);
		const { starts } = this;
		let start = Math.max(now, starts.at(-1) ?? 0);
		if (starts.length >= perSecond) {
			start = Math.max(start, starts[starts.length - perSecond] + SECOND_MS + WINDOW_SLACK_MS.second);
		}
		if (starts.length >= perMinute) {
			start = Math.max(start, starts[starts.length - perMinute] + MINUTE_MS + WINDOW_SLACK_MS.minute);
		}
		starts.push(start);
		if (starts.length > this.limit.perMinute) starts.splice(0, starts.length - this.limit.perMinute);
		return start - now;
	}

	/** Reads X-RateLimit-Limit / X-RateLimit-Remaining: what the API counted beyond our own requests. */
	observe(headers: Record<string, unknown>, now: number): void {
		const remaining = Number(headers['x-ratelimit-remaining']);
		const reportedLimit = Number(headers['x-ratelimit-limit']);
		if (!Number.isFinite(remaining) || !Number.isFinite(reportedLimit) || reportedLimit <= 0) return;
		const ours = this.starts.filter((start) => start > now - MINUTE_MS && start <= now).length;
		this.othersInWindow = Math.max(0, reportedLimit - remaining - ours);
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
	pacerFor(key, limit).observe(headers, Date.now());
}
