import { sleep } from 'n8n-workflow';

import { uc025Numbers } from '../sandbox/data';
import { SANDBOX_API_KEY } from '../sandbox/server';
import { createPoller, type PollerOptions } from '../harness/engine';
import { capturedLogLines, useSandbox } from '../harness/fixtures';

/**
 * A poll that finds no stored snapshot: silent on the first poll after activation, one `stateReset` item
 * and a warning on any later one, with n8n's classic polling and with its durable scheduler.
 */
describe('Agile Telecom WhatsApp Trigger: lost state is never silent', () => {
	const { sandbox, credentials } = useSandbox();
	let workflows = 0;
	let workflowId = '';
	const newPoller = (options: PollerOptions = {}, parameters: Record<string, unknown> = {}) => {
		workflowId = `wf-state-${++workflows}`;
		return createPoller(parameters as never, credentials(), 'cred-1', { ...options, workflowId });
	};
	const events = (items: Array<{ json: Record<string, unknown> }> | null) =>
		(items ?? []).map((i) => `${String(i.json.event)}:${String(i.json.phoneNumberId)}`);
	/** This test's lost-state warnings, once the log file has them (it is written asynchronously). */
	const resetWarnings = async (expected: number) => {
		const lines = () =>
			capturedLogLines().filter((line) => line.includes('found no stored snapshot') && line.includes(`"workflowId":"${workflowId}"`));
		for (let waited = 0; lines().length < expected && waited < 2000; waited += 50) await sleep(50);
		if (expected === 0) await sleep(200);
		return lines();
	};

	beforeEach(() => {
		sandbox().numbers = uc025Numbers();
	});

	it('the default events include stateReset', async () => {
		const poller = await newPoller();
		expect(await poller.poll()).toBeNull();
		delete poller.staticData().snapshot;
		expect(events(await poller.poll())).toEqual(['stateReset:null']);
	});

	describe.each<PollerOptions['mode']>(['classic', 'scheduler'])('%s polling', (mode) => {
		it('the first poll after activation is a silent baseline, without a warning', async () => {
			const poller = await newPoller({ mode });
			expect(await poller.poll()).toBeNull();
			if (mode === 'classic') expect(poller.staticData().snapshot).toBeDefined();
			expect(await resetWarnings(0)).toHaveLength(0);
		});

		it('a later poll that finds no snapshot emits one stateReset item and logs a warning', async () => {
			const poller = await newPoller({ mode });
			await poller.poll();
			if (mode === 'classic') delete poller.staticData().snapshot; // the scheduler loses it by itself
			sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
			const items = await poller.poll();
			expect(items).toHaveLength(1);
			expect(items![0].json).toEqual({
				event: 'stateReset',
				phoneNumberId: null,
				displayName: null,
				previous: null,
				current: null,
				numberCount: 3,
				summary: expect.stringContaining('Re-check the numbers') as unknown,
			});
			const warnings = await resetWarnings(1);
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toContain('"level":"warn"');
			expect(warnings.join('\n')).not.toContain(SANDBOX_API_KEY);
			// The new baseline holds: the next change is reported once, no further reset.
			sandbox().updateNumber('waba-num-003', { qualityRating: 'YELLOW' });
			expect(events(await poller.poll())).toEqual(['qualityRatingChanged:waba-num-003']);
			expect(await poller.poll()).toBeNull();
			expect(await resetWarnings(2)).toHaveLength(1);
		});

		it('a re-activation starts with a silent baseline again', async () => {
			const poller = await newPoller({ mode });
			await poller.poll();
			await poller.poll();
			poller.activate();
			if (mode === 'classic') delete poller.staticData().snapshot;
			expect(await poller.poll()).toBeNull();
			// The scheduler's first scheduled poll flagged its lost state; the new activation poll adds none.
			const flagged = mode === 'scheduler' ? 1 : 0;
			await sleep(200);
			expect(await resetWarnings(flagged)).toHaveLength(flagged);
		});

		it('without stateReset among the events, the lost state is only logged', async () => {
			const poller = await newPoller({ mode }, { events: ['statusChanged'] });
			await poller.poll();
			if (mode === 'classic') delete poller.staticData().snapshot;
			expect(await poller.poll()).toBeNull();
			expect(await resetWarnings(1)).toHaveLength(1);
		});
	});

	it('under the scheduler, a change between the activation poll and the first scheduled poll is flagged, not lost', async () => {
		const poller = await newPoller({ mode: 'scheduler' });
		expect(await poller.poll()).toBeNull();
		// n8n 2.41.1 does not commit the activation poll's baseline: the first scheduled poll starts empty.
		expect(poller.staticData().snapshot).toBeUndefined();
		sandbox().updateNumber('waba-num-002', { status: 'ACTIVE' });
		expect(events(await poller.poll())).toEqual(['stateReset:null']);
		sandbox().updateNumber('waba-num-001', { status: 'FLAGGED' });
		expect(events(await poller.poll())).toEqual(['statusChanged:waba-num-001']);
	});

	it('a changed watch filter is a new baseline, not a lost state', async () => {
		const poller = await newPoller({}, { phoneNumberIds: [] });
		await poller.poll();
		poller.setParameters({ phoneNumberIds: ['waba-num-001'] });
		expect(await poller.poll()).toBeNull();
	});
});
