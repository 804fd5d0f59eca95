import { describeCrashSuite } from './suite';

/** n8n's durable poll cursors: polls as scheduler tasks, the cursor committed with the execution it starts. */
describeCrashSuite('durable', {
	// n8n 2.41.1 drops the activation poll's state: the scheduler's first poll says so instead of a silent baseline.
	baseline: ['stateReset'],
	'change once': ['statusChanged waba-num-002'],
	'SIGKILL mid-poll': ['qualityRatingChanged waba-num-003'],
	'API down for two polls': ['messagingLimitChanged waba-num-001'],
	// After a restart the cursor row exists: the change right after the activation poll arrives. The lost
	// baseline hits the workflow's first activation only (scripts/repro/durable-cursor-lost-baseline.js).
	'SIGTERM, then a change': ['statusChanged waba-num-001'],
	'one more poll': [],
});
