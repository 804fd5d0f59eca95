/** Facts about the Agile Telecom API shared by the credential, the action node and the trigger. */

export const CREDENTIAL_TYPE = 'agileTelecomApi';

/** The header that carries the API key. */
export const API_KEY_HEADER = 'X-Api-Key';

export const DEFAULT_BASE_URL = 'https://lora-api.agiletelecom.com';

/**
 * What is cut off a base URL, in this order: trailing slashes, a trailing /api (documented paths already
 * start with /api, so it would be doubled), trailing slashes again. Accepts "https://host", "https://host/",
 * "https://host/api/" and proxies with a path prefix.
 */
export const BASE_URL_SUFFIXES: readonly RegExp[] = [/\/+$/, /\/api$/i, /\/+$/];

/** Every documented path is relative to the host and starts with /api. */
export const PHONE_NUMBERS_PATH = '/api/message-server/whatsapp/phone-numbers';

/** Page size asked for when reading many numbers. The API's maximum is not documented; see paging. */
export const MAX_PAGE_SIZE = 100;

/** Used when the user sets no timeout: n8n's own default (300 s) is far too long for a campaign gate. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Retry bounds, documented in the README and docs/RELIABILITY.md. */
export const RETRY_POLICY = {
	/** Attempts in all for 502/503/504 and dropped connections, the first one included. */
	maxAttempts: 4,
	/** Longest total backoff between those attempts of one request. */
	maxTotalWaitMs: 60_000,
	/**
	 * 429s are backpressure, not failures: a request waits Retry-After and queues again for as long as the
	 * time since its first 429, plus the next wait, stays within this. Long enough to outlast a spent minute.
	 */
	rateLimitWaitMs: 90_000,
	/** First backoff for 502/503/504 and dropped connections; doubles on each retry. */
	backoffBaseMs: 500,
} as const;

/** Documented per-key limits of the API's plans. */
export const RATE_LIMIT_PLANS = {
	production: { perSecond: 50, perMinute: 1_000 },
	trial: { perSecond: 10, perMinute: 100 },
} as const;
