/**
 * Keeps every request made with one credential under the API's per-key limits (a burst per second and a
 * budget per minute), across items, operations and concurrent executions in this n8n process, and shares
 * the key fairly with other processes using it (n8n's queue-mode workers, another n8n, a script) without
 * talking to them: the API's own X-RateLimit-Remaining is the shared truth.
 *
 * - Requests wait in one FIFO queue per credential (retries first) and start one by one, evenly spaced,
 *   when both windows allow, so 500 items become a steady stream instead of a flood.
 * - Each response's X-RateLimit-Limit minus X-RateLimit-Remaining is what the whole key used in the API's
 *   minute window; minus our own requests in it, it is what the others used. How fast that grows between
 *   two responses dates the others' requests, so the per-second window holds theirs too: each process
 *   takes what the others leave of the plan (less a tenth, for their requests not seen yet), and a lone
 *   process runs at the full plan.
 * - A request the API rejected does not count as ours: what the API counts is in its header.
 * - A 429 means the estimate missed something: the API's second is full, so what our view of it lacks is
 *   counted as the others', just now. A 429 that says the minute is spent holds every request until its
 *   Retry-After. Without the headers, the per-second rate is halved on a 429 (at most once per second) and
 *   grows back by half a request per second with each accepted request.
 * Pacers are keyed by the credential's ID, never by the key.
 */
import { sleep } from 'n8n-workflow';

export interface RateLimit {
	perSecond: number;
	perMinute: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
/**
 * Slack beyond the windows. A request counts in our windows until one window after its answer came (not
 * after its start): the API took it somewhere in between, so however slow the way there, no two of our
 * requests land in one API window that the plan does not allow.
 */
const WINDOW_SLACK_MS = { second: 20, minute: 200 } as const;
/** How often a waiting request looks again when what others use may have changed. */
const RECHECK_MS = 50;
/** When the minute is spent by others whose requests we cannot date, a single request asks the API again. */
const PROBE_MS = 2_000;
/** Per-second rate regained with each accepted request after a 429 lowered it. */
const RATE_STEP = 0.5;

/** One request of ours, from its start until the API's answer. */
export interface Ticket {
	start: number;
	/** When its answer came: the API took it somewhere between start and this. */
	end?: number;
	/** The API refused it (429): it does not count in the API's windows. */
	rejected: boolean;
}

class RequestPacer {
	/** Our starts in the last minute, ascending. */
	private own: Ticket[] = [];
	/** Estimated start times of the others' requests in the API's minute window, ascending. */
	private others: number[] = [];
	/** Others' requests in the window that could not be dated (seen at the first response). */
	private undated = 0;
	/** Start of the request whose response was read last (responses may arrive out of order). */
	private observedAt = -Infinity;
	private seenHeaders = false;
	/** Per-second rate this process allows itself: the plan, lowered after 429s when the API sends no headers. */
	private rate: number;
	private lastDecrease = -Infinity;
	/** No request before this time: the API said the minute is spent. */
	private blockedUntil = 0;
	private readonly queue: Array<{ grant: (ticket: Ticket) => void; retry: boolean }> = [];
	private pumping = false;

	constructor(private limit: RateLimit) {
		this.rate = limit.perSecond;
	}

	setLimit(limit: RateLimit): void {
		if (limit.perSecond !== this.limit.perSecond) this.rate = Math.min(this.rate, limit.perSecond);
		this.limit = limit;
	}

	/** Waits for this request's turn; a retry goes ahead of first attempts (it has waited longer). */
	acquire(retry: boolean): Promise<Ticket> {
		return new Promise((grant) => {
			const entry = { grant, retry };
			const firstAttempt = retry ? this.queue.findIndex((waiting) => !waiting.retry) : -1;
			if (firstAttempt === -1) this.queue.push(entry);
			else this.queue.splice(firstAttempt, 0, entry);
			if (!this.pumping) void this.pump();
		});
	}

	private async pump(): Promise<void> {
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = Date.now();
				const delay = this.delay(now);
				if (delay > 0) {
					await sleep(Math.min(delay, RECHECK_MS));
					continue;
				}
				const ticket: Ticket = { start: now, rejected: false };
				this.own.push(ticket);
				this.queue.shift()!.grant(ticket);
			}
		} finally {
			this.pumping = false;
		}
	}

	/** How long until one more request keeps both windows (ours and the others' together) under the plan. */
	delay(now: number): number {
		this.forget(now);
		if (now < this.blockedUntil) return this.blockedUntil - now;
		const secondWindow = SECOND_MS + WINDOW_SLACK_MS.second;
		const inSecond = this.merged(now - secondWindow);
		// While others are active, some of their requests may be on their way unseen: leave a tenth of the
		// plan (at least one request) for them.
		const othersActive = this.others.some((t) => t > now - secondWindow);
		const unseen = othersActive ? Math.ceil(this.limit.perSecond / 10) : 0;
		const perSecond = Math.max(1, Math.floor(this.rate) - unseen);
		// Evenly spaced, not in bursts: the others see our requests arrive and can make room in time.
		const lastStart = this.own.at(-1)?.start ?? -Infinity;
		let delay = lastStart + SECOND_MS / this.rate - now;
		if (inSecond.length >= perSecond) delay = Math.max(delay, inSecond[inSecond.length - perSecond] + secondWindow - now);
		const minuteWindow = MINUTE_MS + WINDOW_SLACK_MS.minute;
		const inMinute = this.merged(now - minuteWindow);
		const minuteFree = this.limit.perMinute - this.undated;
		if (inMinute.length >= minuteFree) {
			// Dated requests leave the window at known times; undated ones only the API can tell about.
			const oldest = inMinute.length - minuteFree;
			delay = Math.max(delay, minuteFree > 0 ? inMinute[oldest] + minuteWindow - now : PROBE_MS);
		}
		return Math.max(0, delay);
	}

	/** Our counted starts and the others' after `since`, ascending. */
	private merged(since: number): number[] {
		const ours = this.own.filter((t) => !t.rejected && (t.end ?? Infinity) > since).map((t) => t.end ?? Infinity);
		return ours.concat(this.others.filter((t) => t > since)).sort((a, b) => a - b);
	}

	private forget(now: number): void {
		const since = now - MINUTE_MS - WINDOW_SLACK_MS.minute;
		while (this.own.length > 0 && (this.own[0].end ?? Infinity) <= since) this.own.shift();
		while (this.others.length > 0 && this.others[0] <= since) this.others.shift();
	}

	/** Reads the API's answer to one of our requests. */
	observe(ticket: Ticket, status: number, headers: Record<string, unknown>, retryAfterMs: number | undefined): void {
		const now = Date.now();
		ticket.end = now;
		const remaining = Number(headers['x-ratelimit-remaining']);
		const reportedLimit = Number(headers['x-ratelimit-limit']);
		const known = Number.isFinite(remaining) && Number.isFinite(reportedLimit) && reportedLimit > 0;
		if (status === 429) {
			ticket.rejected = true;
			if (known && remaining <= 0 && retryAfterMs !== undefined) {
				this.blockedUntil = Math.max(this.blockedUntil, now + retryAfterMs);
			} else if (!known && now - this.lastDecrease >= SECOND_MS) {
				// No header to learn from: multiplicative decrease, additive increase.
				this.rate = Math.max(1, this.rate / 2);
				this.lastDecrease = now;
			}
		} else if (status >= 200 && status < 500) {
			this.rate = Math.min(this.limit.perSecond, this.rate + RATE_STEP);
		}
		if (!known) return;
		if (ticket.start >= this.observedAt) this.countOthers(ticket, now, reportedLimit - remaining);
		if (status === 429 && remaining > 0) {
			// The API's second is full, though we did not see it: what is missing from our view of it
			// was someone else's, just now.
			const missing = this.limit.perSecond - this.merged(now - SECOND_MS - WINDOW_SLACK_MS.second).length;
			for (let i = 0; i < missing; i++) this.others.push(now);
		}
	}

	/** `used`: what the API counted in its minute window when it took this request. */
	private countOthers(ticket: Ticket, now: number, used: number): void {
		this.observedAt = ticket.start;
		this.forget(now);
		// Ours that started no later than this one were counted with it; the rest were the others'.
		const ours = this.own.filter((t) => !t.rejected && t.start <= ticket.start).length;
		const othersNow = Math.max(0, used - ours);
		if (!this.seenHeaders) {
			// The first answer cannot tell how old the others' requests are: up to a second's worth may be
			// recent, so they count in the per-second window too.
			this.seenHeaders = true;
			const recent = Math.min(othersNow, this.limit.perSecond);
			this.undated = othersNow - recent;
			for (let i = 0; i < recent; i++) this.others.push(now);
			return;
		}
		let surplus = othersNow - (this.undated + this.others.length);
		if (surplus > 0) {
			// Taken by the API before our answer came: dated then, the latest they can be.
			for (; surplus > 0; surplus--) this.others.push(now);
			return;
		}
		// Fewer than we thought: undated ones (the oldest) left the window first, then the oldest dated.
		const fromUndated = Math.min(this.undated, -surplus);
		this.undated -= fromUndated;
		this.others.splice(0, -surplus - fromUndated);
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

/**
 * Waits until a request with this credential may start. Pass the API's answer (or, when none came, status
 * 0) to `observeResponse`: until then the request counts as under way in every window.
 */
export async function acquireTurn(key: string, limit: RateLimit, retry = false): Promise<Ticket> {
	return pacerFor(key, limit).acquire(retry);
}

/** Reads the API's answer (status, X-RateLimit-* headers, Retry-After in ms for a 429; status 0: no answer). */
export function observeResponse(
	key: string,
	limit: RateLimit,
	ticket: Ticket,
	response: { statusCode: number; headers: Record<string, unknown> },
	retryAfterMs?: number,
): void {
	pacerFor(key, limit).observe(ticket, response.statusCode, response.headers, retryAfterMs);
}
