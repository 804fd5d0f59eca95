/**
 * Turns whatever went wrong talking to the API into one NodeApiError with the API's own words as the
 * message and a one-line hint of what to do as the description. The API key never reaches an error:
 * errors are built from the response body (redacted) or the transport error's code, never from the
 * request (whose headers hold the key).
 */
import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { markDeadlineError } from './deadline';

const HINTS: Readonly<Record<number, string>> = {
	400: "Check the node's parameters against the API's message above, then run the node again",
	401: "Check that the API key in the 'Agile Telecom API' credential is correct and still active in the Qlara dashboard",
	403: 'The API key lacks permission for WhatsApp numbers: enable the WhatsApp channel for this key in the Qlara dashboard, or ask your account administrator',
	404: "Check the 'Phone Number' parameter: run Phone Number → Get Many to get the current IDs (an ID can change after a reconfiguration)",
};

export interface ApiResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: string;
}

/** Replaces every occurrence of the secret, so no echo of the key by a proxy or API can leak it. */
export function redact(text: string, secret: string | undefined): string {
	return secret ? text.split(secret).join('[redacted]') : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSend `{"status":"fail","data":{"field":"message"}}`, `{"message": …}` or `{"error": …}`. */
export function apiMessageFromBody(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	if (isObject(body.data)) {
		const messages = Object.values(body.data).filter((v): v is string => typeof v === 'string');
		if (messages.length) return messages.join('; ');
	}
	for (const key of ['message', 'error'] as const) {
		const value = body[key];
		if (typeof value === 'string' && value.trim()) return value;
		if (isObject(value) && typeof value.message === 'string') return value.message;
	}
	return undefined;
}

/** Seconds to wait from `Retry-After` (seconds or HTTP date) or the body's `retryAfter`. */
export function retryAfterSeconds(headers: Record<string, unknown>, body: unknown): number | undefined {
	const header = headers['retry-after'];
	if (typeof header === 'string' && header.trim() !== '') {
		const seconds = Number(header);
		if (Number.isFinite(seconds) && seconds >= 0) return seconds;
		const date = Date.parse(header);
		if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
	}
	if (isObject(body) && typeof body.retryAfter === 'number' && body.retryAfter >= 0) {
		return body.retryAfter;
	}
	return undefined;
}

/** The parsed body, or undefined when it is not JSON. (JSON.parse keeps a `__proto__` key an own field.) */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function looksLikeHtml(text: string): boolean {
	return /^\s*</.test(text);
}

function hintFor(statusCode: number, retryAfter: number | undefined): string {
	if (statusCode === 429) {
		return retryAfter === undefined
			? 'The API rate limit for this key was reached; retry in a minute, or pick the right plan in the credential so the node paces its requests'
			: `The API rate limit for this key was reached; retry after ${retryAfter} seconds, or pick the right plan in the credential so the node paces its requests`;
	}
	if (statusCode >= 500) {
		return `The Agile Telecom servers could not handle the request (HTTP ${statusCode}); try again in a few minutes, and contact Agile Telecom support if it persists`;
	}
	return (
		HINTS[statusCode] ?? `The API refused the request (HTTP ${statusCode}); check the node's parameters and the credential, then try again`
	);
}

/** An HTTP error status (>= 400) from the API or from something in front of it. */
export function errorFromResponse(node: INode, response: ApiResponse, secret?: string): NodeApiError {
	const text = redact(response.body, secret);
	const body = parseJson(text);
	const retryAfter = response.statusCode === 429 ? retryAfterSeconds(response.headers, body) : undefined;
	let message = apiMessageFromBody(body);
	if (message === undefined) {
		message = looksLikeHtml(text)
			? `The API answered HTTP ${response.statusCode} with an HTML page instead of JSON (a proxy or gateway page?); check the Base URL in the 'Agile Telecom API' credential`
			: `The API answered HTTP ${response.statusCode}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ' with an empty body'}`;
	}
	const errorResponse: JsonObject = isObject(body) ? (body as JsonObject) : { body: text.slice(0, 1000) };
	return new NodeApiError(node, errorResponse, {
		message,
		description: hintFor(response.statusCode, retryAfter),
		httpCode: String(response.statusCode),
	});
}

/** A 2xx whose body is not the JSON the API documents (HTML from a proxy, truncated JSON, empty). */
export function invalidBodyError(node: INode, response: ApiResponse, expected: string, secret?: string): NodeApiError {
	const text = redact(response.body, secret);
	let what: string;
	if (text.trim() === '') what = 'an empty body';
	else if (looksLikeHtml(text)) what = 'an HTML page';
	else if (parseJson(text) === undefined) what = 'a body that is not valid JSON (cut off?)';
	else what = 'JSON of an unexpected shape';
	return new NodeApiError(
		node,
		{ body: text.slice(0, 1000) },
		{
			message: `The API answered HTTP ${response.statusCode} with ${what}; expected ${expected}`,
			description:
				"Check the Base URL in the 'Agile Telecom API' credential (it should be https://lora-api.agiletelecom.com or your proxy's address) and that no proxy or captive portal rewrites the answer; if it persists, retry later",
			httpCode: String(response.statusCode),
		},
	);
}

const TRANSPORT_CODES = {
	timeout: ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_CANCELED'],
	refused: ['ECONNREFUSED'],
	notFound: ['ENOTFOUND', 'EAI_AGAIN'],
	dropped: ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'EPROTO'],
} as const;

export type TransportFailure = keyof typeof TRANSPORT_CODES | 'other';

/** The error code and text of a failed request, from n8n's wrapper or the underlying axios error. */
function describeTransportError(error: unknown): { code?: string; text: string } {
	const seen: unknown[] = [];
	let current: unknown = error;
	let code: string | undefined;
	let text = '';
	// n8n wraps the axios error (cause); read codes along the chain without touching request config.
	while (isObject(current) && !seen.includes(current) && seen.length < 5) {
		seen.push(current);
		if (!code && typeof current.code === 'string') code = current.code;
		if (!text && typeof current.message === 'string') text = current.message;
		current = current.cause;
	}
	return { code, text };
}

export function classifyTransportError(error: unknown): TransportFailure {
	const { code, text } = describeTransportError(error);
	for (const [kind, codes] of Object.entries(TRANSPORT_CODES) as Array<[TransportFailure, readonly string[]]>) {
		if (code && codes.includes(code)) return kind;
	}
	if (/timeout|timed out/i.test(text)) return 'timeout';
	if (/socket hang up|aborted|premature close|ECONNRESET/i.test(text)) return 'dropped';
	if (/ECONNREFUSED/.test(text)) return 'refused';
	return 'other';
}

/** A request that got no complete HTTP answer: timeout, refused or dropped connection, unknown host. */
export function errorFromTransport(
	node: INode,
	error: unknown,
	context: { baseUrl: string; timeoutMs: number; attempts: number; secret?: string },
): NodeApiError {
	const kind = classifyTransportError(error);
	const { text } = describeTransportError(error);
	const tries = context.attempts > 1 ? ` (${context.attempts} attempts)` : '';
	const messages: Record<TransportFailure, [string, string]> = {
		timeout: [
			`The Agile Telecom API did not answer within ${context.timeoutMs / 1000} s${tries}`,
			'Try again later; if the API is known to be slow, raise Options → Timeout',
		],
		refused: [
			`Could not connect to ${context.baseUrl}: the connection was refused${tries}`,
			"Check the Base URL in the 'Agile Telecom API' credential and that the host is reachable from n8n",
		],
		notFound: [
			`Could not find the host of ${context.baseUrl}`,
			"Check the Base URL in the 'Agile Telecom API' credential (default https://lora-api.agiletelecom.com) and n8n's DNS/network access",
		],
		dropped: [
			`The connection to the Agile Telecom API was dropped before the answer was complete${tries}`,
			'The network or a proxy cut the connection; try again in a few minutes',
		],
		other: [
			`The request to the Agile Telecom API failed: ${redact(text, context.secret) || 'no reason given'}`,
			"Check the 'Agile Telecom API' credential and n8n's network access, then try again",
		],
	};
	const [message, description] = messages[kind];
	// No `code` in the error body: NodeApiError would swap our message for a generic one.
	return new NodeApiError(node, { message }, { message, description });
}

const BASE_URL_HINT = "Check the Base URL in the 'Agile Telecom API' credential";

/** A 2xx too large to be an answer of this API. */
export function oversizedBodyError(node: INode, statusCode: number, megabytes: number, limitMegabytes: number): NodeApiError {
	const message = `The API answered HTTP ${statusCode} with ${megabytes} MB, more than the ${limitMegabytes} MB any answer of this API needs`;
	return new NodeApiError(
		node,
		{ message },
		{ message, description: `${BASE_URL_HINT}: something other than the API answered`, httpCode: String(statusCode) },
	);
}

/** A 2xx whose JSON is nested far deeper than the API's answers. */
export function tooDeepBodyError(node: INode, statusCode: number, depth: number): NodeApiError {
	const message = `The API answered HTTP ${statusCode} with JSON nested more than ${depth} levels deep, which no answer of this API is`;
	return new NodeApiError(
		node,
		{ message },
		{ message, description: `${BASE_URL_HINT}: something other than the API answered`, httpCode: String(statusCode) },
	);
}

/** A redirect that would take the key elsewhere: another origin, a non-web URL or none at all. */
export function redirectRefusedError(node: INode, statusCode: number, apiOrigin: string, where: string): NodeApiError {
	const other = where.startsWith('to http') ? where.slice(3) : undefined;
	const message = `The API at ${apiOrigin} redirected (HTTP ${statusCode}) ${where}; the API key was not sent there`;
	const description = other
		? `If ${other} is the API, set the Base URL in the 'Agile Telecom API' credential to it`
		: `${BASE_URL_HINT}: the API key goes only to the Base URL's own address`;
	return new NodeApiError(node, { message }, { message, description, httpCode: String(statusCode) });
}

export function redirectLoopError(node: INode, apiOrigin: string, hops: number): NodeApiError {
	const message = `The API at ${apiOrigin} redirected more than ${hops} times`;
	return new NodeApiError(
		node,
		{ message },
		{ message, description: `${BASE_URL_HINT}: a proxy in front of the API may be sending requests in a loop` },
	);
}

/** The caller's deadline came before the request could end. */
export function pastDeadlineError(node: INode, why: string): NodeApiError {
	const message = `The request to the Agile Telecom API ran out of time: ${why}`;
	return markDeadlineError(
		new NodeApiError(node, { message }, { message, description: 'The API is slow or rate-limited right now; the next run tries again' }),
	);
}
