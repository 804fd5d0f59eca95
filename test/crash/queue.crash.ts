import { describeCrashSuite } from './suite';

/** Queue mode: PostgreSQL, Redis, a worker; the trigger polls on main, which is the process crashed and restarted. */
describeCrashSuite('queue', {
	baseline: [],
	'change once': ['statusChanged waba-num-002'],
	'SIGKILL mid-poll': ['qualityRatingChanged waba-num-003'],
	'API down for two polls': ['messagingLimitChanged waba-num-001'],
	'SIGTERM, then a change': ['statusChanged waba-num-001'],
	'one more poll': [],
});
