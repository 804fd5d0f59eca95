/**
 * A local stand-in for the Agile Telecom WhatsApp number API, on Node's http module: both endpoints,
 * X-Api-Key check (401/403), JSend errors, page/limit paging with total, per-key rate limits with 429,
 * and faults on demand. Used by the tests, the demo and the benchmarks. It never logs or echoes keys
 * unless a test asks it to (to prove the node redacts them).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { LIST_FIELDS, type SandboxNumber, uc025Numbers } from './data';

const LIST_PATH = '/api/message-server/whatsapp/phone-numbers';

export const SANDBOX_API_KEY = 'sandbox-key-6f1c2a9e-please-redact';
export const NO_WHATSAPP_API_KEY = 'sandbox-key-no-whatsapp-3b7d';

/** A one-off or repeated misbehaviour, taken by the next matching request(s). */
export type Fault =
	| { type: 'status'; status: number; body?: string; headers?: Record<string, string> }
	| { type: 'rateLimit'; retryAfter: number }
	| { type: 'html'; status: number }
	| { type: 'truncated' }
	| { type: 'empty' }
	| { type: 'drop' }
	| { type: 'dropMidBody' }
	| { type: 'delay'; ms: number }
	| { type: 'body'; status?: number; body: string; contentType?: string }
	| { type: 'echoKey'; status: number }
	/** A 3xx to `location`; 'self' = the requested path again (a same-origin hop). */
	| { type: 'redirect'; status?: number; location: string }
	/** A 200 whose body arrives one byte per `intervalMs` and never ends (until the client goes). */
	| { type: 'trickle'; intervalMs: number }
	/** A 200 body an attacker would send: `__proto__`/`constructor` keys, 10,000-level nesting, 50 MB. */
	| { type: 'hostile'; kind: HostileBody };

export type HostileBody = 'proto' | 'deep' | 'huge';

interface QueuedFault {
	fault: Fault;
	remaining: number;
	endpoint?: 'list' | 'detail';
	/** Only requests for this list page (0-based). */
	page?: number;
}

export interface RateLimitSettings {
	perSecond: number;
	perMinute: number;
}

export interface SandboxOptions {
	numbers?: SandboxNumber[];
	port?: number;
	/** The API's largest page; larger `limit`s are capped to it. */
	maxPageSize?: number;
	/** Page size when the request sends no `limit` (undocumented upstream). */
	defaultPageSize?: number;
	/** Answer every request after this long. */
	latencyMs?: number;
	rateLimit?: RateLimitSettings;
	/** A stricter API: requests it rejects with 429 count in its windows too, so hammering it costs budget. */
	countRejected?: boolean;
	/** Return the whole list in one response whatever `limit` says. */
	ignorePaging?: boolean;
	/** Serve the API under this path (a proxy with a path prefix), e.g. '/agile'. */
	pathPrefix?: string;
}

export interface RecordedRequest {
	method: string;
	endpoint: 'list' | 'detail' | 'other';
	path: string;
	query: Record<string, string>;
	status: number;
	at: number;
	/** Whether the request carried an X-Api-Key header (the key itself is not kept). */
	hadApiKey: boolean;
}

export class ApiSandbox {
	numbers: SandboxNumber[];
	latencyMs: number;
	maxPageSize: number;
	defaultPageSize: number;
	rateLimit: RateLimitSettings | undefined;
	countRejected: boolean;
	ignorePaging: boolean;
	pathPrefix: string;
	readonly requests: RecordedRequest[] = [];
	private readonly apiKeys = new Map<string, { whatsapp: boolean }>([
		[SANDBOX_API_KEY, { whatsapp: true }],
		[NO_WHATSAPP_API_KEY, { whatsapp: false }],
	]);
	private faults: QueuedFault[] = [];
	private readonly listeners = new Set<(request: RecordedRequest) => void>();
	private readonly hits = new Map<string, number[]>();
	private server: Server | undefined;
	private readonly sockets = new Set<Socket>();
	private port: number;

	constructor(options: SandboxOptions = {}) {
		this.numbers = options.numbers ?? uc025Numbers();
		this.port = options.port ?? 0;
		this.latencyMs = options.latencyMs ?? 0;
		this.maxPageSize = options.maxPageSize ?? 500;
		this.defaultPageSize = options.defaultPageSize ?? 10;
		this.rateLimit = options.rateLimit;
		this.countRejected = options.countRejected ?? false;
		this.ignorePaging = options.ignorePaging ?? false;
		this.pathPrefix = options.pathPrefix ?? '';
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5_000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
		this.server = undefined;
	}

	addApiKey(key: string, whatsapp = true): void {
		this.apiKeys.set(key, { whatsapp });
	}

	/** Queues a fault for the next `times` requests (optionally of one endpoint). */
	inject(fault: Fault, times = 1, endpoint?: 'list' | 'detail'): void {
		this.faults.push({ fault, remaining: times, endpoint });
	}

	/** Queues a fault for the next `times` requests of list page `page` (0-based). */
	injectOnPage(fault: Fault, page: number, times = 1): void {
		this.faults.push({ fault, remaining: times, endpoint: 'list', page });
	}

	/** Calls `listener` as each request arrives, before it is answered; returns a function that stops it. */
	onRequest(listener: (request: RecordedRequest) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	clearFaults(): void {
		this.faults = [];
	}

	resetLog(): void {
		this.requests.length = 0;
	}

	count(endpoint?: RecordedRequest['endpoint']): number {
		return endpoint ? this.requests.filter((r) => r.endpoint === endpoint).length : this.requests.length;
	}

	updateNumber(phoneNumberId: string, patch: Record<string, unknown>): void {
		const number = this.numbers.find((n) => n.phoneNumberId === phoneNumberId);
		if (!number) throw new Error(`sandbox has no number ${phoneNumberId}`);
		Object.assign(number, patch);
	}

	private takeFault(endpoint: RecordedRequest['endpoint'], page: number): Fault | undefined {
		const index = this.faults.findIndex(
			(f) => (f.endpoint === undefined || f.endpoint === endpoint) && (f.page === undefined || (endpoint === 'list' && f.page === page)),
		);
		if (index === -1) return undefined;
		const queued = this.faults[index];
		if (--queued.remaining <= 0) this.faults.splice(index, 1);
		return queued.fault;
	}

	/** Sliding windows per key; returns seconds to wait when over the limit. */
	private overRateLimit(key: string, now: number): { retryAfter: number; remaining: number } | { retryAfter: 0; remaining: number } {
		if (!this.rateLimit) return { retryAfter: 0, remaining: 1_000 };
		const { perSecond, perMinute } = this.rateLimit;
		const hits = (this.hits.get(key) ?? []).filter((t) => t > now - 60_000);
		this.hits.set(key, hits);
		const lastSecond = hits.filter((t) => t > now - 1_000);
		const reject = (retryAfter: number) => {
			if (this.countRejected) hits.push(now);
			return { retryAfter, remaining: perMinute - hits.length };
		};
		if (lastSecond.length >= perSecond) return reject(Math.max(1, Math.ceil((lastSecond[0] + 1_000 - now) / 1000)));
		if (hits.length >= perMinute) return reject(Math.max(1, Math.ceil((hits[0] + 60_000 - now) / 1000)));
		hits.push(now);
		return { retryAfter: 0, remaining: perMinute - hits.length };
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const requested = req.url ?? '/';
		const unprefixed = this.pathPrefix && requested.startsWith(this.pathPrefix) ? requested.slice(this.pathPrefix.length) : requested;
		const url = new URL(unprefixed, 'http://sandbox');
		const rawPath = unprefixed.split('?')[0];
		const endpoint: RecordedRequest['endpoint'] =
			url.pathname === LIST_PATH
				? 'list'
				: rawPath.startsWith(`${LIST_PATH}/`) && rawPath.slice(LIST_PATH.length + 1).split('/').length === 1
					? 'detail'
					: 'other';
		const record: RecordedRequest = {
			method: req.method ?? 'GET',
			endpoint,
			path: requested.split('?')[0],
			query: Object.fromEntries(url.searchParams),
			status: 0,
			at: Date.now(),
			hadApiKey: req.headers['x-api-key'] !== undefined,
		};
		this.requests.push(record);
		for (const listener of this.listeners) listener(record);
		const send = (status: number, body: unknown, headers: Record<string, string | number> = {}) => {
			record.status = status;
			const text = typeof body === 'string' ? body : JSON.stringify(body);
			res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
			res.end(text);
		};
		const fail = (status: number, data: Record<string, string>, headers?: Record<string, string | number>) =>
			send(status, { status: 'fail', data }, headers);

		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

		const key = req.headers['x-api-key'];
		const account = typeof key === 'string' ? this.apiKeys.get(key) : undefined;
		if (!account) return fail(401, { authentication: 'Invalid or missing API key' });

		const limit = this.overRateLimit(key as string, Date.now());
		const rateHeaders: Record<string, number> = this.rateLimit
			? { 'X-RateLimit-Limit': this.rateLimit.perMinute, 'X-RateLimit-Remaining': Math.max(0, limit.remaining) }
			: {};
		if (limit.retryAfter > 0) {
			return send(
				429,
				{
					status: 429,
					error: 'Too Many Requests',
					message: `Rate limit exceeded. Please retry after ${limit.retryAfter} seconds.`,
					retryAfter: limit.retryAfter,
				},
				{ ...rateHeaders, 'Retry-After': limit.retryAfter },
			);
		}
		if (!account.whatsapp) {
			return fail(403, { authorization: 'API key does not have permission to access WhatsApp phone numbers' }, rateHeaders);
		}

		const fault = this.takeFault(endpoint, Math.max(0, Number(url.searchParams.get('page') ?? 0) || 0));
		if (fault && (await this.applyFault(fault, req, res, record))) return;

		if (req.method !== 'GET' || endpoint === 'other') {
			return fail(404, { path: `No such endpoint: ${req.method ?? ''} ${rawPath}` }, rateHeaders);
		}
		if (endpoint === 'detail') {
			const id = decodeURIComponent(rawPath.slice(LIST_PATH.length + 1));
			const number = this.numbers.find((n) => typeof n === 'object' && n !== null && String(n.phoneNumberId) === id);
			if (!number) return fail(404, { phoneNumberId: `Phone number not found: ${id}` }, rateHeaders);
			return send(200, number, rateHeaders);
		}
		return send(200, this.listPage(url.searchParams), rateHeaders);
	}

	private listPage(query: URLSearchParams): { phoneNumbers: unknown[]; total: number } {
		// Entries that are not objects pass through as they are (tests of malformed lists put them there).
		const summaries = this.numbers.map((n) =>
			typeof n === 'object' && n !== null ? Object.fromEntries(LIST_FIELDS.filter((f) => f in n).map((f) => [f, n[f]])) : n,
		);
		if (this.ignorePaging) return { phoneNumbers: summaries, total: summaries.length };
		const page = Math.max(0, Number(query.get('page') ?? 0) || 0);
		const asked = Number(query.get('limit') ?? this.defaultPageSize) || this.defaultPageSize;
		const size = Math.min(Math.max(1, asked), this.maxPageSize);
		return { phoneNumbers: summaries.slice(page * size, (page + 1) * size), total: summaries.length };
	}

	/** Returns true when the fault answered (or killed) the request. */
	private async applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<boolean> {
		const answer = (status: number, body: string, contentType = 'application/json', headers: Record<string, string | number> = {}) => {
			record.status = status;
			res.writeHead(status, { 'Content-Type': contentType, ...headers });
			res.end(body);
			return true;
		};
		switch (fault.type) {
			case 'status':
				return answer(
					fault.status,
					fault.body ?? JSON.stringify({ status: 'error', message: `Simulated HTTP ${fault.status}` }),
					'application/json',
					fault.headers,
				);
			case 'rateLimit':
				return answer(
					429,
					JSON.stringify({
						status: 429,
						error: 'Too Many Requests',
						message: `Rate limit exceeded. Please retry after ${fault.retryAfter} seconds.`,
						retryAfter: fault.retryAfter,
					}),
					'application/json',
					{ 'Retry-After': fault.retryAfter },
				);
			case 'html':
				return answer(
					fault.status,
					'<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
					'text/html',
				);
			case 'truncated':
				return answer(200, JSON.stringify({ phoneNumbers: this.numbers, total: this.numbers.length }).slice(0, 60));
			case 'empty':
				return answer(200, '');
			case 'body':
				return answer(fault.status ?? 200, fault.body, fault.contentType);
			case 'echoKey':
				return answer(
					fault.status,
					JSON.stringify({ status: 'fail', data: { authentication: `Key ${String(req.headers['x-api-key'])} is not valid here` } }),
				);
			case 'redirect':
				return answer(fault.status ?? 302, '', 'text/plain', { Location: fault.location === 'self' ? (req.url ?? '/') : fault.location });
			case 'trickle': {
				record.status = 200;
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.write('{"phoneNumbers":[');
				const timer = setInterval(() => res.write(' '), fault.intervalMs);
				req.socket.on('close', () => clearInterval(timer));
				return true;
			}
			case 'hostile':
				return answer(200, hostileBody(fault.kind, this.numbers[0], record.endpoint === 'list'));
			case 'drop':
				record.status = -1;
				req.socket.destroy();
				return true;
			case 'dropMidBody': {
				record.status = -1;
				const body = JSON.stringify({ phoneNumbers: this.numbers, total: this.numbers.length });
				res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
				res.write(body.slice(0, Math.floor(body.length / 2)));
				await new Promise((r) => setTimeout(r, 20));
				req.socket.destroy();
				return true;
			}
			case 'delay':
				await new Promise((r) => setTimeout(r, fault.ms));
				return false;
		}
	}
}

/** The body of a hostile answer, built around a real number so a parser that copes can still use it. */
export function hostileBody(kind: HostileBody, number: unknown, list: boolean): string {
	const json = JSON.stringify(number);
	let entry: string;
	switch (kind) {
		case 'proto':
			// Own keys as JSON.parse makes them; Object.assign or a setter would turn them into a prototype.
			entry = `${json.slice(0, -1)},"__proto__":{"polluted":"yes","status":"ACTIVE"},"constructor":{"prototype":{"polluted":"yes"}}}`;
			break;
		case 'deep':
			entry = `${json.slice(0, -1)},"nested":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
			break;
		case 'huge':
			entry = JSON.stringify({ ...(number as object), padding: 'x'.repeat(50 * 1024 * 1024) });
	}
	return list ? `{"phoneNumbers":[${entry}],"total":1}` : entry;
}
