#!/usr/bin/env node
'use strict';
// node scripts/n8n/cli.js ensure   [--version X] [--node-major N] [--cache-dir DIR]
//   Installs n8n once (CI warm-up, people) and prints where it is and how long that took.
// node scripts/n8n/cli.js selftest [--version X] [--node-major N] [--cache-dir DIR] [--keep]
//   Proves the chain on that n8n: community package, import, execute, server, active polling trigger.
const { ensureN8n, formatDuration } = require('./runtime');

const USAGE = 'usage: node scripts/n8n/cli.js ensure|selftest [--version X] [--node-major N] [--cache-dir DIR] [--keep]';

function parseArgs(argv) {
	const [command, ...rest] = argv;
	const opts = {};
	for (let i = 0; i < rest.length; i++) {
		if (rest[i] === '--keep') {
			opts.keep = true;
			continue;
		}
		const [flag, inline] = rest[i].split('=', 2);
		const value = inline ?? rest[++i];
		if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
		if (flag === '--version') opts.version = value;
		else if (flag === '--node-major') opts.nodeMajor = Number(value);
		else if (flag === '--cache-dir') opts.cacheDir = value;
		else throw new Error(`unknown option ${flag}\n${USAGE}`);
	}
	return { command, opts };
}

async function main() {
	const { command, opts } = parseArgs(process.argv.slice(2));
	if (command === 'selftest') return require('./selftest').selftest(opts);
	if (command !== 'ensure' || opts.keep) throw new Error(USAGE);
	const started = Date.now();
	const runtime = await ensureN8n(opts);
	console.log(
		`n8n ${runtime.version} on Node.js ${runtime.nodeVersion}, ready in ${formatDuration(Date.now() - started)} (${Date.now() - started} ms)`,
	);
	console.log(`  node: ${runtime.nodeBin}\n  n8n:  ${runtime.n8nBin}`);
}

main().catch((err) => {
	console.error(err.message);
	process.exit(1);
});
