import { describeCrashSuite } from './suite';

/** n8n's default: polls in-process, the static data saved after the poll, apart from the execution it starts. */
describeCrashSuite('classic', {
	baseline: [],
	'change once': ['statusChanged waba-num-002'],
	'SIGKILL mid-poll': ['qualityRatingChanged waba-num-003'],
	'API down for two polls': ['messagingLimitChanged waba-num-001'],
	'SIGTERM, then a change': ['statusChanged waba-num-001'],
	'one more poll': [],
});
