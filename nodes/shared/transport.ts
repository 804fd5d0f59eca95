/**
 * The one request path of the package: every call to the API, from the action node, the resource-locator
 * search and the trigger, goes through `apiGetJson` (pacing, retries, JSON parsing, error mapping) and
 * lists are read with `readPhoneNumberPages`.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IAllExecuteFunctions, ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INode, Logger } from 'n8n-workflow';

import {
	type ApiResponse,
	classifyTransportError,
	errorFromResponse,
	errorFromTransport,
	invalidBodyError,
	isObject,
	oversizedBodyError,
	parseJson,
	pastDeadlineError,
	redact,
	redirectLoopError,
	redirectRefusedError,
	retryAfterSeconds,
	tooDeepBodyError,
} from './apiErrors';
import {
	BASE_URL_SUFFIXES,
	CREDENTIAL_TYPE,
	DEFAULT_BASE_URL,
	DEFAULT_TIMEOUT_MS,
	MAX_PAGE_SIZE,
	PHONE_NUMBERS_PATH,
	RATE_LIMIT_PLANS,
	RETRY_POLICY,
} from './constants';
import { beforeDeadline, PAST_DEADLINE } from './deadline';
import type { PhoneNumber } from './phoneNumber';
import { allowedDomainsOf, checkAllowedDomain, checkBaseUrl, redirectTarget } from './origin';
import { acquireTurn, observeResponse, type RateLimit, type Ticket } from './rateLimiter';

export { isDeadlineError } from './deadline';

/** What the transport needs of an n8n context; execute-single, poll and load-options contexts all fit. */
export interface ApiContext {
	getNode(): INode;
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string, itemIndex?: number): Promise<T>;
	helpers: {
		httpRequestWithAuthentication(
			this: IAllExecuteFunctions,
			credentialsType: string,
			requestOptions: IHttpRequestOptions,
		): Promise<unknown>;
	};
	logger: Logger;
}

/**
 * Request settings a caller may pass on: the declarative Options (timeout, proxy, SSL), the domains
 * n8n allows this credential to reach, and a deadline.
 */
export type RequestSettings = Pick<IHttpRequestOptions, 'timeout' | 'proxy' | 'skipSslCertificateValidation' | 'allowedDomains'> & {
	/**
	 * A Date.now() instant no attempt, retry wait or pacer wait goes past; each attempt's time is capped
	 * to it. Reaching it throws an error for which `isDeadlineError` is true.
	 */
	deadlineAt?: number;
};

export interface Connection {
	baseUrl: string;
	/** The Base URL parsed: the key goes to its origin only. */
	origin: URL;
	/** The credential's own "Specific Domains" list, when it has one. */
	allowedDomains: string | undefined;
	secret: string | undefined;
	limit: RateLimit;
	/** The pacer key: the credential's ID (or name), never the API key. */
	pacerKey: string;
}

/** The credential's base URL, or the default, without the suffixes of BASE_URL_SUFFIXES. */
export function normalizeBaseUrl(raw: unknown): string {
	const value = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	return BASE_URL_SUFFIXES.reduce((url, suffix) => url.replace(suffix, ''), value);
}

function rateLimitOf(credentials: ICredentialDataDecryptedObject): RateLimit {
	if (credentials.plan === 'trial') return RATE_LIMIT_PLANS.trial;
	if (credentials.plan === 'custom') {
		const perSecond = Number(credentials.requestsPerSecond);
		const perMinute = Number(credentials.requestsPerMinute);
		if (perSecond >= 1 && perMinute >= 1) return { perSecond, perMinute };
	}
	return RATE_LIMIT_PLANS.production;
}

export async function connectionOf(ctx: ApiContext): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	const node = ctx.getNode();
	const origin = checkBaseUrl(node, baseUrl);
	const allowedDomains = allowedDomainsOf(node, credentials);
	checkAllowedDomain(node, origin, allowedDomains);
	return {
		baseUrl,
		origin,
		allowedDomains,
		secret: typeof credentials.apiKey === 'string' && credentials.apiKey !== '' ? credentials.apiKey : undefined,
		limit: rateLimitOf(credentials),
		pacerKey: `${reference?.id ?? reference?.name ?? 'default'}@${baseUrl}`,
	};
}

function toApiResponse(raw: unknown): ApiResponse {
	const response = (raw ?? {}) as { statusCode?: unknown; headers?: unknown; body?: unknown };
	const body = response.body;
	return {
		statusCode: typeof response.statusCode === 'number' ? response.statusCode : 0,
		headers: (response.headers ?? {}) as Record<string, unknown>,
		body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : body == null ? '' : JSON.stringify(body),
	};
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Same-origin redirects followed for one request; more is a loop or a misconfigured proxy. */
const MAX_REDIRECT_HOPS = 5;

export interface ExpectedBody {
	/** For the error message: what a good answer looks like. */
	description: string;
	check(body: unknown): boolean;
}

/** What came back from one attempt: an HTTP answer, or the error of a request that got none. */
type Answer = { response: ApiResponse } | { failure: unknown };

/** What to do about an answer. `pacerPauseMs`: how long the API asked every request of this key to wait. */
type Outcome = { pacerPauseMs?: number } & (
	| { kind: 'ok'; body: unknown }
	| { kind: 'retry'; afterMs: number; why: string; budget: 'rateLimit' | 'failure' }
	| { kind: 'follow'; url: URL }
	| { kind: 'fail'; error: Error }
);

/** The retry budgets spent so far by one request (see RETRY_POLICY). */
interface Tally {
	attempt: number;
	/** Failed attempts (502/503/504, dropped connections) so far, not counting this one. */
	failures: number;
	waitedMs: number;
	firstRateLimitAt?: number;
	hops: number;
}

interface Exchange {
	node: INode;
	connection: Connection;
	expected: ExpectedBody;
	/** The URL this attempt asked. */
	url: URL;
	timeoutMs: number;
	/** The caller's deadline: a socket timeout at or past it means the caller ran out of time. */
	deadlineAt?: number;
}

/** Every case of an answer in one place: success, the retries and their budgets, redirects, failures. */
function classify(answer: Answer, tally: Tally, exchange: Exchange): Outcome {
	const { node, connection } = exchange;
	if ('failure' in answer) {
		const backoff = RETRY_POLICY.backoffBaseMs * 2 ** tally.failures;
		const kind = classifyTransportError(answer.failure);
		if (kind === 'dropped' && canRetry(tally.failures + 1, tally.waitedMs, backoff)) {
			return { kind: 'retry', afterMs: backoff, why: 'connection dropped', budget: 'failure' };
		}
		if (kind === 'timeout' && exchange.deadlineAt !== undefined && Date.now() >= exchange.deadlineAt) {
			return { kind: 'fail', error: pastDeadlineError(node, 'the answer was not complete') };
		}
		const error = errorFromTransport(node, answer.failure, {
			baseUrl: connection.baseUrl,
			timeoutMs: exchange.timeoutMs,
			attempts: tally.attempt,
			secret: connection.secret,
		});
		return { kind: 'fail', error };
	}
	const { response } = answer;
	const status = response.statusCode;
	if (status >= 200 && status < 300) return judgeBody(response, exchange);
	if (REDIRECT_STATUS.has(status)) return judgeRedirect(response, tally, exchange);
	if (status === 429) {
		const delay = retryDelayMs(response, tally.failures);
		const since = tally.firstRateLimitAt === undefined ? 0 : Date.now() - tally.firstRateLimitAt;
		if (since + delay <= RETRY_POLICY.rateLimitWaitMs) {
			return { kind: 'retry', afterMs: delay, why: 'HTTP 429', budget: 'rateLimit', pacerPauseMs: delay };
		}
		return { kind: 'fail', error: errorFromResponse(node, response, connection.secret), pacerPauseMs: delay };
	}
	if (RETRYABLE_STATUS.has(status)) {
		const delay = retryDelayMs(response, tally.failures);
		if (canRetry(tally.failures + 1, tally.waitedMs, delay)) {
			return { kind: 'retry', afterMs: delay, why: `HTTP ${status}`, budget: 'failure' };
		}
	}
	return { kind: 'fail', error: errorFromResponse(node, response, connection.secret) };
}

/** Bodies larger than this are refused unread: no answer of this API comes near it. */
const MAX_BODY_CHARS = 16 * 1024 * 1024;
/** JSON nested deeper than this is refused: the API's answers are a few levels deep. */
const MAX_BODY_DEPTH = 64;

function judgeBody(response: ApiResponse, { node, connection, expected }: Exchange): Outcome {
	if (response.body.length > MAX_BODY_CHARS) {
		const megabytes = Math.round(response.body.length / (1024 * 1024));
		return { kind: 'fail', error: oversizedBodyError(node, response.statusCode, megabytes, MAX_BODY_CHARS / (1024 * 1024)) };
	}
	const body = parseJson(response.body);
	if (body !== undefined && nestedDeeperThan(body, MAX_BODY_DEPTH)) {
		return { kind: 'fail', error: tooDeepBodyError(node, response.statusCode, MAX_BODY_DEPTH) };
	}
	if (body === undefined || !expected.check(body)) {
		return { kind: 'fail', error: invalidBodyError(node, response, expected.description, connection.secret) };
	}
	return { kind: 'ok', body };
}

function judgeRedirect(response: ApiResponse, tally: Tally, { node, connection, url }: Exchange): Outcome {
	const target = redirectTarget(response.headers.location, url, connection.origin.origin);
	if ('refused' in target) {
		return {
			kind: 'fail',
			error: redirectRefusedError(node, response.statusCode, connection.origin.origin, redact(target.refused, connection.secret)),
		};
	}
	if (tally.hops >= MAX_REDIRECT_HOPS) {
		return { kind: 'fail', error: redirectLoopError(node, connection.origin.origin, MAX_REDIRECT_HOPS) };
	}
	return { kind: 'follow', url: target.url };
}

/**
 * GETs a path and returns the parsed JSON body. Waits for the credential's pacer before each attempt,
 * retries 429 (after Retry-After, through the pacer again), 502/503/504 and dropped connections within
 * RETRY_POLICY, follows redirects only within the API's origin (the key goes nowhere else), bounds each
 * attempt by the timeout and everything by `deadlineAt`, and turns every failure into an error that names
 * the cause and what to do.
 */
export async function apiGetJson(
	ctx: ApiContext,
	request: { url: string; qs?: IDataObject } & RequestSettings,
	expected: ExpectedBody,
	// A paged read looks the credential up once for all its pages.
	connection?: Connection,
): Promise<unknown> {
	const node = ctx.getNode();
	connection ??= await connectionOf(ctx);
	const { deadlineAt, ...settings } = request;
	// Unset (or 0) means the default: n8n's own 300 s is far too long for a campaign gate.
	const timeoutMs = request.timeout && request.timeout > 0 ? request.timeout : DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		...settings,
		method: 'GET',
		baseURL: connection.baseUrl,
		headers: { Accept: 'application/json' },
		// Redirects are judged here: n8n's helper would carry the key to any origin a redirect names.
		disableFollowRedirect: true,
		// Status and body are judged here, so the API's own message reaches the user.
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		encoding: 'text',
		...(settings.allowedDomains || connection.allowedDomains
			? { allowedDomains: settings.allowedDomains ?? connection.allowedDomains }
			: {}),
	};
	const exchange: Exchange = { node, connection, expected, url: requestUrl(connection, request), timeoutMs, deadlineAt };
	const tally: Tally = { attempt: 1, failures: 0, waitedMs: 0, hops: 0 };
	for (; ; tally.attempt++) {
		const ticket = await pacerTurn(connection, tally.attempt > 1 || tally.hops > 0, deadlineAt, node);
		const callerDeadlineFirst = deadlineAt !== undefined && deadlineAt < Date.now() + timeoutMs;
		const attemptEnds = Math.min(Date.now() + timeoutMs, deadlineAt ?? Infinity);
		options.timeout = Math.max(1, attemptEnds - Date.now());
		const answer = await attemptRequest(ctx, options, attemptEnds);
		if (answer === PAST_DEADLINE) {
			observeResponse(connection.pacerKey, connection.limit, ticket, { statusCode: 0, headers: {} });
			throw callerDeadlineFirst
				? pastDeadlineError(node, 'the answer was not complete')
				: errorFromTransport(node, { code: 'ETIMEDOUT' }, { baseUrl: connection.baseUrl, timeoutMs, attempts: tally.attempt });
		}
		const outcome = classify(answer, tally, exchange);
		const response = 'response' in answer ? answer.response : { statusCode: 0, headers: {} };
		observeResponse(connection.pacerKey, connection.limit, ticket, response, outcome.pacerPauseMs);
		switch (outcome.kind) {
			case 'ok':
				return outcome.body;
			case 'fail':
				throw outcome.error;
			case 'follow':
				tally.hops++;
				ctx.logger.debug(`Agile Telecom: HTTP ${response.statusCode}, following the redirect within ${connection.origin.origin}`);
				exchange.url = outcome.url;
				options.url = outcome.url.href;
				delete options.qs;
				continue;
			case 'retry':
				if (deadlineAt !== undefined && Date.now() + outcome.afterMs > deadlineAt) {
					throw pastDeadlineError(node, `a retry after ${outcome.why} would end past it`);
				}
				ctx.logger.debug(`Agile Telecom: ${outcome.why}, retrying in ${outcome.afterMs} ms`, { attempt: tally.attempt });
				if (outcome.budget === 'failure') {
					tally.failures++;
					tally.waitedMs += outcome.afterMs;
				} else tally.firstRateLimitAt ??= Date.now();
				await sleep(outcome.afterMs);
		}
	}
}

/** The absolute URL of the first attempt, the way axios joins baseURL, url and qs. */
function requestUrl(connection: Connection, request: { url: string; qs?: IDataObject }): URL {
	const url = new URL(connection.baseUrl + request.url);
	for (const [key, value] of Object.entries(request.qs ?? {})) url.searchParams.set(key, String(value));
	return url;
}

/** The pacer's turn, given up (and handed back unused) if `deadlineAt` comes first. */
async function pacerTurn(connection: Connection, retry: boolean, deadlineAt: number | undefined, node: INode): Promise<Ticket> {
	if (deadlineAt !== undefined && Date.now() >= deadlineAt) throw pastDeadlineError(node, 'no request could start before it');
	const turn = acquireTurn(connection.pacerKey, connection.limit, retry);
	if (deadlineAt === undefined) return await turn;
	const ticket = await beforeDeadline(turn, deadlineAt, (late) => (late.end = late.start));
	if (ticket === PAST_DEADLINE) throw pastDeadlineError(node, 'the pacer had no free turn before it');
	return ticket;
}

/** One request through n8n's helper (which adds the key), raced against the attempt's end. */
async function attemptRequest(ctx: ApiContext, options: IHttpRequestOptions, endsAt: number): Promise<Answer | typeof PAST_DEADLINE> {
	const request = ctx.helpers.httpRequestWithAuthentication.call(ctx as IAllExecuteFunctions, CREDENTIAL_TYPE, { ...options });
	const answer: Promise<Answer> = request.then(
		(raw) => ({ response: toApiResponse(raw) }),
		(failure: unknown) => ({ failure }),
	);
	return await beforeDeadline(answer, endsAt);
}

/** `failures`: failed attempts so far, this one included. */
function canRetry(failures: number, waitedMs: number, delayMs: number): boolean {
	return failures < RETRY_POLICY.maxAttempts && waitedMs + delayMs <= RETRY_POLICY.maxTotalWaitMs;
}

/** Retry-After when the API sends one, else a backoff that doubles with each failure. */
function retryDelayMs(response: ApiResponse, failures: number): number {
	const retryAfter = retryAfterSeconds(response.headers, parseJson(response.body));
	if (retryAfter !== undefined) return Math.max(retryAfter * 1000, 100);
	return RETRY_POLICY.backoffBaseMs * 2 ** failures;
}

/** Whether any path into `value` goes more than `limit` objects or arrays deep (no recursion: the stack stays flat). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
	const stack: Array<[unknown, number]> = [[value, 1]];
	while (stack.length > 0) {
		const [current, depth] = stack.pop()!;
		if (typeof current !== 'object' || current === null) continue;
		if (depth > limit) return true;
		for (const child of Object.values(current)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
	}
	return false;
}

/** Turns an ID into exactly one path segment; '' and dot segments would address another endpoint. */
export function phoneNumberPath(node: INode, phoneNumberId: unknown, itemIndex?: number): string {
	const id = typeof phoneNumberId === 'number' ? String(phoneNumberId) : typeof phoneNumberId === 'string' ? phoneNumberId.trim() : '';
	if (id === '') {
		throw new NodeOperationError(node, "The 'Phone Number' parameter is empty", {
			itemIndex,
			description: 'Pick a number from the list, or enter its ID (e.g. waba-num-001); an expression may have resolved to an empty value',
		});
	}
	if (id === '.' || id === '..') {
		throw new NodeOperationError(node, `The 'Phone Number' parameter ("${id}") is not a phone number ID`, {
			itemIndex,
			description: 'Pick a number from the list, or enter an ID as Phone Number → Get Many returns it',
		});
	}
	return `${PHONE_NUMBERS_PATH}/${encodeURIComponent(id)}`;
}

export async function getPhoneNumber(
	ctx: ApiContext,
	phoneNumberId: unknown,
	settings: RequestSettings,
	itemIndex?: number,
): Promise<PhoneNumber> {
	const url = phoneNumberPath(ctx.getNode(), phoneNumberId, itemIndex);
	return (await apiGetJson(
		ctx,
		{ ...settings, url },
		{
			description: 'a phone number object such as {"phoneNumberId": …, "status": …}',
			check: isObject,
		},
	)) as PhoneNumber;
}

/** Bound on pages read in one go, so a server that ignores `page` cannot make a poll run forever. */
const MAX_PAGES = 10_000;

const LIST_BODY: ExpectedBody = {
	description: '{"phoneNumbers": [...], "total": N}',
	check: (body) => isObject(body) && Array.isArray(body.phoneNumbers),
};

/**
 * Reads the list page by page (`page` is 0-based) and yields each page's numbers as they arrive, so a
 * caller that has enough stops the reading. Ends on an empty or short page, or once `total` numbers were
 * read. If the first page is shorter than asked while `total` says more exist, the server capped the page
 * size: paging goes on with the size it used. Entries that are not objects are skipped, with a warning.
 */
export async function* readPhoneNumberPages(
	ctx: ApiContext,
	settings: RequestSettings,
	pageSize = MAX_PAGE_SIZE,
): AsyncGenerator<PhoneNumber[]> {
	const connection = await connectionOf(ctx);
	let size = Math.max(1, Math.min(Math.floor(pageSize), MAX_PAGE_SIZE));
	let read = 0;
	for (let page = 0; page < MAX_PAGES; page++) {
		const body = (await apiGetJson(ctx, { ...settings, url: PHONE_NUMBERS_PATH, qs: { page, limit: size } }, LIST_BODY, connection)) as {
			phoneNumbers: unknown[];
			total?: unknown;
		};
		const entries = body.phoneNumbers;
		const total = typeof body.total === 'number' && Number.isFinite(body.total) ? body.total : undefined;
		const numbers: PhoneNumber[] = [];
		entries.forEach((entry, index) => {
			if (isObject(entry)) numbers.push(entry as PhoneNumber);
			else {
				const shown = JSON.stringify(entry)?.slice(0, 80);
				ctx.logger.warn(`Agile Telecom: skipped a list entry that is not an object (page ${page}, entry ${index}: ${shown})`);
			}
		});
		read += entries.length;
		yield numbers;
		if (entries.length === 0 || entries.length > size) return; // empty, or the server ignored paging
		if (total !== undefined && read >= total) return;
		if (entries.length < size) {
			if (page === 0 && total !== undefined) size = entries.length;
			else return;
		}
	}
}
