/**
 * The crash cases, in sequence on one n8n per poll mode: each case asserts the whole list of events in all
 * stored executions so far (a crashed or recovered execution counts as delivered), so a later case's polls
 * also prove the earlier changes did not come twice. Measured lists go to .test-build/crash-<mode>.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../scripts/demo/environment';
import { type CrashWorld, type PollMode, startCrashWorld } from './world';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** An execution is stored within this of the poll that starts it. */
const SETTLE_MS = 12_000;

export const CASES = [
	'baseline',
	'change once',
	'SIGKILL mid-poll',
	'API down for two polls',
	'SIGTERM, then a change',
	'one more poll',
] as const;
export type CaseName = (typeof CASES)[number];

/** What each case adds to the list of events, per mode (failed polls' executions, `error`, are counted apart). */
export type Expected = Record<CaseName, string[]>;

export function describeCrashSuite(mode: PollMode, expected: Expected): void {
	describe(`poll mode: ${mode}`, () => {
		let world: CrashWorld;
		let lastPoll = 0;
		const measured: Record<string, string[]> = {};
		const log = (message: string) => console.log(`[${mode}] ${message}`);
		const soFar = (name: CaseName) => CASES.slice(0, CASES.indexOf(name) + 1).flatMap((c) => expected[c]);
		const record = async (name: CaseName) => {
			await sleep(SETTLE_MS);
			const events = await world.events();
			measured[name] = events;
			writeFileSync(join(REPO_ROOT, '.test-build', `crash-${mode}.json`), JSON.stringify(measured, null, 2));
			log(`${name}: ${JSON.stringify(events)}`);
			return events;
		};

		beforeAll(async () => {
			world = await startCrashWorld(mode, log);
			lastPoll = await world.start();
		});
		afterAll(async () => {
			await world?.close();
		});

		it('baseline: the first scheduled poll after activation emits nothing', async () => {
			lastPoll = await world.nextPoll(lastPoll);
			expect(await record('baseline')).toEqual(soFar('baseline'));
		});

		it('one change arrives once', async () => {
			world.sandbox.updateNumber('waba-num-002', { status: 'ACTIVE' });
			lastPoll = await world.nextPoll(lastPoll);
			expect(await record('change once')).toEqual(soFar('change once'));
		});

		it('n8n SIGKILLed as the poll that reads a change starts, restarted: the change arrives exactly once', async () => {
			world.sandbox.updateNumber('waba-num-003', { qualityRating: 'YELLOW' });
			await world.killAtNextPoll(lastPoll);
			lastPoll = await world.start();
			// The activation poll after the restart, then one scheduled poll.
			lastPoll = await world.nextPoll(lastPoll);
			expect(await record('SIGKILL mid-poll')).toEqual(soFar('SIGKILL mid-poll'));
		});

		it('the API down (503) for two polls, then a change: it arrives once the API is back', async () => {
			world.sandbox.inject({ type: 'status', status: 503 }, 10_000, 'list');
			lastPoll = await world.nextPoll(lastPoll);
			lastPoll = await world.nextPoll(lastPoll);
			await sleep(SETTLE_MS); // the second poll's retries
			world.sandbox.clearFaults();
			world.sandbox.updateNumber('waba-num-001', { messagingLimit: 'TIER_100K' });
			lastPoll = await world.nextPoll(lastPoll);
			// A failed poll is a failed execution; how often n8n polls a failing trigger is its own business (the
			// scheduler backs off and tries again), so the failures are counted, the changes listed exactly.
			const events = await record('API down for two polls');
			const failures = events.filter((line) => line === 'error').length;
			expect(failures).toBeGreaterThanOrEqual(2);
			expect(failures).toBeLessThanOrEqual(4);
			expect(events.filter((line) => line !== 'error')).toEqual(soFar('API down for two polls'));
		});

		it('SIGTERM between polls, restarted, a change 2 s after the activation poll: it arrives (durable: or a stateReset says so)', async () => {
			await world.stop();
			lastPoll = await world.start();
			await sleep(2_000);
			const changedAt = Date.now();
			world.sandbox.updateNumber('waba-num-001', { status: 'FLAGGED' });
			// The first poll after the change reads it, but under durable cursors one run in two delivered it a
			// poll later, so a second poll is allowed; the next case's poll proves it did not come twice.
			const deliveredBefore = soFar('API down for two polls').length;
			let events: string[] = [];
			for (let poll = 1; poll <= 2; poll++) {
				lastPoll = await world.nextPoll(lastPoll);
				events = (await record('SIGTERM, then a change')).filter((line) => line !== 'error');
				log(`the ${poll === 1 ? 'first' : 'second'} poll after the change (${((lastPoll - changedAt) / 1000).toFixed(1)} s after it)`);
				if (events.length > deliveredBefore) break;
			}
			expect(events).toEqual(soFar('SIGTERM, then a change'));
		});

		it('one more poll: nothing new, nothing twice', async () => {
			lastPoll = await world.nextPoll(lastPoll);
			const events = await record('one more poll');
			expect(events.filter((line) => line !== 'error')).toEqual(soFar('one more poll'));
			expect(events).toEqual(measured['SIGTERM, then a change']);
		});
	});
}
