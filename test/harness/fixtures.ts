/** Shared test fixtures: a sandbox per test file, credentials pointing at it, node parameters, leak checks. */
import { existsSync, readFileSync } from 'node:fs';

import type { INodeParameters } from 'n8n-workflow';

import { ApiSandbox, SANDBOX_API_KEY, type SandboxOptions } from '../sandbox/server';
import type { RunResult, TestCredentials } from './engine';

/** Starts a sandbox before the file's tests and stops it after; faults and log reset before each test. */
export function useSandbox(options: SandboxOptions = {}): { sandbox: () => ApiSandbox; credentials: () => TestCredentials } {
	let sandbox: ApiSandbox;
	beforeAll(async () => {
		sandbox = new ApiSandbox(options);
		await sandbox.start();
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.clearFaults();
		sandbox.resetLog();
	});
	return {
		sandbox: () => sandbox,
		credentials: () => ({ apiKey: SANDBOX_API_KEY, baseUrl: sandbox.baseUrl }),
	};
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

export function listParams(extra: INodeParameters = {}): INodeParameters {
	return { resource: 'phoneNumber', operation: 'list', ...extra };
}

export function getParams(id: string, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'phoneNumber', operation: 'get', phoneNumberId: byId(id), ...extra };
}

export function readinessParams(id: string, recipients: number, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'phoneNumber', operation: 'checkReadiness', phoneNumberId: byId(id), recipients, ...extra };
}

export function chooseParams(recipients: number, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'phoneNumber', operation: 'chooseForCampaign', recipients, ...extra };
}

/** The API key must appear nowhere: not in items, errors, descriptions or the whole run record. */
export function expectNoSecret(result: RunResult, secret = SANDBOX_API_KEY): void {
	const seen = JSON.stringify({
		items: result.items,
		errorItems: result.errorItems,
		run: result.run,
		error: result.error && {
			message: result.error.message,
			description: result.error.description,
			context: result.error.context,
			stack: result.error.stack,
		},
	});
	expect(seen).not.toContain(secret);
	expect(capturedLogLines().join('\n')).not.toContain(secret);
}

/** Every log line n8n and the node wrote in this test file so far (see setup.ts). */
export function capturedLogLines(): string[] {
	const file = (globalThis as { __n8nLogFile?: string }).__n8nLogFile;
	if (!file || !existsSync(file)) return [];
	return readFileSync(file, 'utf8').split('\n');
}

export function ids(result: RunResult): unknown[] {
	return result.items.map((item) => item.json.phoneNumberId);
}

/** A credential on a custom plan for `apiKey`, which the sandbox is told to accept. */
export function customPlanCredentials(
	sandbox: ApiSandbox,
	apiKey: string,
	plan: { perSecond: number; perMinute: number },
): TestCredentials {
	sandbox.addApiKey(apiKey);
	return { apiKey, baseUrl: sandbox.baseUrl, plan: 'custom', requestsPerSecond: plan.perSecond, requestsPerMinute: plan.perMinute };
}

/**
 * Fakes Date alone, so a test can age the credential's one-minute reads with `jest.setSystemTime`, while
 * timers, sockets and the pacer's sleeps keep running in real time. Undo with `jest.useRealTimers()`.
 */
export function fakeDateOnly(): void {
	jest.useFakeTimers({
		// The faked Date still moves on with real time: the pacer's windows keep opening.
		advanceTimers: true,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}
