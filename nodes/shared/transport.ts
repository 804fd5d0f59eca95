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
	parseJson,
	retryAfterSeconds,
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
import type { PhoneNumber } from './numberState';
import { acquireTurn, observeResponse, type RateLimit } from './rateLimiter';

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
 * Request settings a caller may pass on: the declarative Options (timeout, proxy, SSL) and the domains
 * n8n allows this credential to reach.
 */
export type RequestSettings = Pick<IHttpRequestOptions, 'timeout' | 'proxy' | 'skipSslCertificateValidation' | 'allowedDomains'> & {
	/** A Date.now() instant: no attempt, retry wait or pacer wait starts past it, no attempt outlasts it. */
	deadlineAt?: number;
};

/** A request given up at its deadline (RequestSettings.deadlineAt); see isDeadlineError. */
function deadlineError(node: INode): NodeOperationError {
	const error = new NodeOperationError(node, 'The Agile Telecom request ran out of time before its deadline', {
		description: 'The caller set a deadline for the whole request (retries and waits included) and it passed',
	});
	error.context.deadline = true;
	return error;
}

export function isDeadlineError(error: unknown): boolean {
	return error instanceof NodeOperationError && error.context?.deadline === true;
}

export interface Connection {
	baseUrl: string;
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
	return {
		baseUrl,
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

export interface ExpectedBody {
	/** For the error message: what a good answer looks like. */
	description: string;
	check(body: unknown): boolean;
}

/**
 * GETs a path and returns the parsed JSON body. Waits for the credential's pacer before each attempt,
 * retries 429 (after Retry-After, through the pacer again), 502/503/504 and dropped connections within RETRY_POLICY, and turns
 * every failure into a NodeApiError that names the cause and what to do.
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
	const { deadlineAt, ...httpSettings } = request;
	// Unset (or 0) means the default: n8n's own 300 s is far too long for a campaign gate.
	const timeout = request.timeout && request.timeout > 0 ? request.timeout : DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		...httpSettings,
		method: 'GET',
		baseURL: connection.baseUrl,
		timeout,
		headers: { Accept: 'application/json' },
		// Status and body are judged here, so the API's own message reaches the user.
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
		encoding: 'text',
	};
	// 429s are backpressure: retried while RETRY_POLICY.rateLimitWaitMs allows, counted from the first one.
	// 502/503/504 and dropped connections: at most maxAttempts, maxTotalWaitMs of backoff.
	let failures = 0;
	let waitedMs = 0;
	let firstRateLimitAt: number | undefined;
	const pastDeadline = (waitMs = 0) => deadlineAt !== undefined && Date.now() + waitMs >= deadlineAt;
	const waitOrGiveUp = async (waitMs: number) => {
		if (pastDeadline(waitMs)) throw deadlineError(node);
		await sleep(waitMs);
	};
	for (let attempt = 1; ; attempt++) {
		if (pastDeadline()) throw deadlineError(node);
		const ticket = await acquireTurn(connection.pacerKey, connection.limit, attempt > 1);
		if (pastDeadline()) {
			// The turn came too late: give it back unused, as a request that started and ended at once.
			ticket.end = ticket.start;
			throw deadlineError(node);
		}
		if (deadlineAt !== undefined) options.timeout = Math.max(1, Math.min(timeout, deadlineAt - Date.now()));
		let response: ApiResponse;
		try {
			response = toApiResponse(await ctx.helpers.httpRequestWithAuthentication.call(ctx as IAllExecuteFunctions, CREDENTIAL_TYPE, options));
		} catch (error) {
			observeResponse(connection.pacerKey, connection.limit, ticket, { statusCode: 0, headers: {} });
			if (pastDeadline()) throw deadlineError(node);
			const backoff = RETRY_POLICY.backoffBaseMs * 2 ** failures;
			if (classifyTransportError(error) === 'dropped' && canRetry(++failures, waitedMs, backoff)) {
				ctx.logger.debug(`Agile Telecom: connection dropped, retrying in ${backoff} ms`, { attempt });
				waitedMs += backoff;
				await waitOrGiveUp(backoff);
				continue;
			}
			throw errorFromTransport(node, error, {
				baseUrl: connection.baseUrl,
				timeoutMs: timeout,
				attempts: attempt,
				secret: connection.secret,
			});
		}
		const delay = RETRYABLE_STATUS.has(response.statusCode) ? retryDelayMs(response, failures) : 0;
		observeResponse(connection.pacerKey, connection.limit, ticket, response, response.statusCode === 429 ? delay : undefined);
		if (response.statusCode >= 200 && response.statusCode < 300) {
			const body = parseJson(response.body);
			if (body === undefined || !expected.check(body)) {
				throw invalidBodyError(node, response, expected.description, connection.secret);
			}
			return body;
		}
		if (response.statusCode === 429) {
			const now = Date.now();
			firstRateLimitAt ??= now;
			if (now - firstRateLimitAt + delay <= RETRY_POLICY.rateLimitWaitMs) {
				ctx.logger.debug(`Agile Telecom: HTTP 429, retrying in ${delay} ms`, { attempt });
				await waitOrGiveUp(delay);
				continue;
			}
		} else if (RETRYABLE_STATUS.has(response.statusCode) && canRetry(++failures, waitedMs, delay)) {
			ctx.logger.debug(`Agile Telecom: HTTP ${response.statusCode}, retrying in ${delay} ms`, { attempt });
			waitedMs += delay;
			await waitOrGiveUp(delay);
			continue;
		}
		throw errorFromResponse(node, response, connection.secret);
	}
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

/** Turns an ID into exactly one path segment; '' and dot segments would address another endpoint. */
export function phoneNumberPath(node: INode, phoneNumberId: unknown, itemIndex?: number): string {
	const id = typeof phoneNumberId === 'number' ? String(phoneNumberId) : typeof phoneNumberId === 'string' ? phoneNumberId.trim() : '';
	if (id === '') {
		throw new NodeOperationError(node, 'No phone number ID was given', {
			itemIndex,
			description: 'Pick a number from the list, or enter its ID (e.g. waba-num-001); an expression may have resolved to an empty value',
		});
	}
	if (id === '.' || id === '..') {
		throw new NodeOperationError(node, `"${id}" is not a valid phone number ID`, {
			itemIndex,
			description: 'Pick a number from the list, or enter an ID as Phone Number → List returns it',
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

/** Every number of the account, in the API's order (all pages). */
export async function readAllPhoneNumbers(ctx: ApiContext, settings: RequestSettings): Promise<PhoneNumber[]> {
	const numbers: PhoneNumber[] = [];
	for await (const page of readPhoneNumberPages(ctx, settings)) numbers.push(...page);
	return numbers;
}
