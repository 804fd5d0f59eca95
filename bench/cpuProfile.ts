/**
 * Reads a V8 .cpuprofile (written by `node --cpu-prof`) and summarises the samples taken inside a time
 * window (the measured runs, not module loading): self time per frame, and time per owner (this package,
 * n8n-core, n8n-workflow, the HTTP stack, …), where native frames such as JSON.parse count for the
 * JavaScript frame that called them.
 * Run alone: `node .test-build/bench/cpuProfile.js file.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface ProfileSummary {
	/** Sampled time inside the window, idle excluded, in ms. */
	busyMs: number;
	idleMs: number;
	/** [owner, ms], largest first. */
	owners: Array<[string, number]>;
	/** [frame, self ms], largest first. */
	frames: Array<[string, number]>;
	/** [frame, self ms] of this package's frames, largest first. */
	packageFrames: Array<[string, number]>;
}

export const PACKAGE = 'this package (dist/nodes), JSON.parse excluded';
export const PACKAGE_PARSE = 'this package: JSON.parse of the bodies (parseJson)';

const SPECIAL: Record<string, string> = {
	'(garbage collector)': 'GC',
	'(program)': 'V8 / program',
	'(idle)': 'idle',
	'(root)': 'V8 / program',
};

export function ownerOf(url: string): string | undefined {
	if (url === '') return undefined;
	const path = url.replace(/^file:\/\//, '');
	const nm = path.lastIndexOf('node_modules/');
	if (nm !== -1) {
		const rest = path.slice(nm + 'node_modules/'.length).split('/');
		const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
		if (pkg === 'n8n-core' || pkg === 'n8n-workflow') return pkg;
		if (['axios', 'follow-redirects', 'proxy-from-env', '@n8n/backend-network', 'form-data'].includes(pkg))
			return 'HTTP stack (axios, @n8n/backend-network)';
		if (pkg === 'undici') return 'undici';
		if (pkg === 'luxon') return 'luxon (n8n expressions)';
		return 'other dependencies';
	}
	if (/\/(dist|\.test-build)\/(nodes|credentials)\//.test(path)) return PACKAGE;
	if (path.includes('/test/harness/')) return 'test harness (credentials helper)';
	if (path.includes('/bench/')) return 'benchmark driver';
	if (path.startsWith('node:') || !path.startsWith('/')) {
		return /node:(_http|http|net|dns|tls|internal\/(stream|streams|net|http|dns|url)|stream|url|events|buffer|timers|internal\/timers|internal\/process\/task_queues)/.test(
			path,
		)
			? 'Node.js (http, net, streams, timers)'
			: 'Node.js (other)';
	}
	return 'other';
}

function frameName(frame: CallFrame): string {
	const url = frame.url
		.replace(/^file:\/\//, '')
		.replace(/^.*node_modules\//, '')
		.replace(/^\/.*?\/(dist|\.test-build)\//, '$1/');
	return `${frame.functionName || '(anonymous)'} ${url ? `${url}:${frame.lineNumber + 1}` : '(native)'}`;
}

/** Summary of the samples inside the windows ([from, to] in µs; the profile's clock is process.hrtime's). */
export function summarizeProfile(profile: CpuProfile, windows: Array<[number, number]> = [[-Infinity, Infinity]]): ProfileSummary {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const ownerCache = new Map<number, string>();
	const ownerOfNode = (id: number): string => {
		const cached = ownerCache.get(id);
		if (cached) return cached;
		const node = byId.get(id)!;
		const special = SPECIAL[node.callFrame.functionName];
		let owner = special && node.callFrame.url === '' ? special : ownerOf(node.callFrame.url);
		// parseJson is JSON.parse (inlined): the one cost the raw client has too.
		if (owner === PACKAGE && node.callFrame.functionName === 'parseJson') owner = PACKAGE_PARSE;
		if (owner === undefined) {
			const up = parent.get(id);
			owner = up === undefined ? 'V8 / program' : ownerOfNode(up);
			if (owner === 'V8 / program' || owner === 'GC' || owner === 'idle') owner = 'Node.js (other)';
		}
		ownerCache.set(id, owner);
		return owner;
	};
	const selfMs = new Map<number, number>();
	let time = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		time += profile.timeDeltas[i];
		if (!windows.some(([from, to]) => time >= from && time <= to)) continue;
		// A sample stands for the time until the next one.
		const next = profile.timeDeltas[i + 1] ?? 0;
		selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + next / 1000);
	}
	const owners = new Map<string, number>();
	const frames = new Map<string, number>();
	const packageFrames = new Map<string, number>();
	let idleMs = 0;
	for (const [id, ms] of selfMs) {
		const owner = ownerOfNode(id);
		if (owner === 'idle') {
			idleMs += ms;
			continue;
		}
		owners.set(owner, (owners.get(owner) ?? 0) + ms);
		const name = frameName(byId.get(id)!.callFrame);
		frames.set(name, (frames.get(name) ?? 0) + ms);
		if (owner === PACKAGE || owner === PACKAGE_PARSE) packageFrames.set(name, (packageFrames.get(name) ?? 0) + ms);
	}
	const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
	const busyMs = [...owners.values()].reduce((a, b) => a + b, 0);
	return { busyMs, idleMs, owners: sorted(owners), frames: sorted(frames), packageFrames: sorted(packageFrames) };
}

export function readProfile(file: string): CpuProfile {
	return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (require.main === module) {
	const [file, top = '20'] = process.argv.slice(2);
	const summary = summarizeProfile(readProfile(file));
	console.log(`busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms`);
	for (const [owner, ms] of summary.owners)
		console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)}%  ${owner}`);
	console.log('');
	for (const [frame, ms] of summary.frames.slice(0, Number(top)))
		console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / summary.busyMs).toFixed(1).padStart(5)}%  ${frame}`);
}
