import { describeCrashSuite } from './suite';

/** n8n's durable poll cursors: polls as scheduler tasks, the cursor committed with the execution it starts. */
describeCrashSuite('durable', {
	baseline: [],
	'change once': ['statusChanged waba-num-002'],
	'SIGKILL mid-poll': ['qualityRatingChanged waba-num-003'],
	'API down for two polls': ['error', 'error', 'messagingLimitChanged waba-num-001'],
	'SIGTERM, then a change': [],
	'one more poll': [],
});
