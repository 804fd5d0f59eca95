'use strict';
// Installs a real n8n (and the Node.js it needs) once under a cache folder and finds it again.
//
// Layout of <cacheDir>/<version>/:
//   node/     node-<platform>-<arch>@<major> from the npm registry (only when the machine's Node is not
//             the one n8n needs; the package ships the binary and its headers in include/node)
//   n8n/      `npm install n8n@<version> --ignore-scripts`, then `npm rebuild sqlite3` (the one native
//             module n8n needs) against that Node's headers: its install script tries to download a
//             prebuilt binary (fails fast where only the npm registry is reachable), then builds it
//   install.log  everything npm and node-gyp printed
//   ready.json   written last: its presence means the install is complete (fast path on later calls)
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_VERSION = '2.41.1';
// N8N_RUNTIME_CACHE_DIR lets several clones (e.g. CI's fresh clone of the repo) share one install.
const DEFAULT_CACHE_DIR = process.env.N8N_RUNTIME_CACHE_DIR || path.join(REPO_ROOT, '.cache', 'n8n');
const FALLBACK_NODE_MAJOR = 24; // what n8n 2.x requires (engines: node >= 24)
const HEARTBEAT_MS = 15_000;
const defaultLog = (msg) => process.stderr.write(`[n8n] ${msg}\n`);

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function formatDuration(ms) {
	const s = Math.round(ms / 1000);
	return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

// Minimal semver range check, enough for `engines.node` values such as ">=24.0.0",
// ">=20.19 <= 24.x" or "^18.17 || >=20": partial versions compare only the parts they give,
// which is what x-ranges mean (`<=24.x` accepts any 24.y.z).
function satisfies(version, range) {
	const v = version.replace(/^v/, '').split('.').map(Number);
	const compare = (parts) => {
		for (let i = 0; i < parts.length; i++) if (v[i] !== parts[i]) return v[i] < parts[i] ? -1 : 1;
		return 0;
	};
	return range.split('||').some((alternative) =>
		alternative
			.replace(/([<>=^~]+)\s+/g, '$1') // "<= 24.x" -> "<=24.x"
			.trim()
			.split(/\s+/)
			.every((comparator) => {
				if (comparator === '' || comparator === '*') return true;
				const [, op = '', ver] = comparator.match(/^([<>=^~]*)v?(.*)$/);
				const parts = ver
					.split('.')
					.filter((p) => /^\d+$/.test(p))
					.map(Number);
				const c = compare(parts);
				switch (op) {
					case '>=':
						return c >= 0;
					case '>':
						return c > 0;
					case '<=':
						return c <= 0;
					case '<':
						return c < 0;
					case '^':
					case '~':
						return c >= 0 && v[0] === parts[0] && (op === '^' || v[1] === parts[1]);
					default:
						return c === 0;
				}
			}),
	);
}

// Runs a command, appending its output to the install log; rejects with the last lines of output.
function run(cmd, args, { cwd, env, logFile }) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}   (in ${cwd})\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		child.on('error', (err) => {
			fs.closeSync(out);
			reject(new Error(`cannot run ${cmd}: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			fs.closeSync(out);
			if (code === 0) return resolve();
			const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-25).join('\n');
			reject(new Error(`\`${cmd} ${args.join(' ')}\` failed (${signal || `exit ${code}`}); last output:\n${tail}`));
		});
	});
}

function npmView(spec, field) {
	try {
		const out = execFileSync('npm', ['view', spec, field, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		return out.trim() ? JSON.parse(out) : undefined;
	} catch (err) {
		throw new Error(`cannot read ${spec} from the npm registry (is it reachable, does the version exist?):\n${err.stderr || err.message}`);
	}
}

// The last line the running command wrote, to show in heartbeats ("CXX(target) …", "added 2350 packages").
function lastLogLine(logFile) {
	try {
		const fd = fs.openSync(logFile, 'r');
		const size = fs.fstatSync(fd).size;
		const buf = Buffer.alloc(Math.min(size, 4096));
		fs.readSync(fd, buf, 0, buf.length, size - buf.length);
		fs.closeSync(fd);
		const line = buf.toString('utf8').trimEnd().split('\n').pop().trim();
		return line.length > 100 ? `${line.slice(0, 97)}...` : line;
	} catch {
		return '';
	}
}

function requireTools(tools) {
	const missing = tools.filter((tool) => {
		try {
			execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
			return false;
		} catch {
			return true;
		}
	});
	if (missing.length) {
		throw new Error(`building sqlite3 for n8n needs ${missing.join(', ')} on PATH (e.g. apt-get install python3 make g++)`);
	}
}

// One installer at a time per version folder (parallel test files may all call ensureN8n).
async function withLock(lockDir, log, fn) {
	for (let waited = 0; ; waited += 2000) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			const pid = Number(readJson(path.join(lockDir, 'pid')));
			let alive = false;
			try {
				alive = pid > 0 && process.kill(pid, 0);
			} catch {
				// no such process (ESRCH): the lock is stale
			}
			if (!alive && waited >= 2000) {
				fs.rmSync(lockDir, { recursive: true, force: true }); // left by a killed installer
				continue;
			}
			if (waited % 30_000 === 0) log(`waiting for another install (pid ${pid}) holding ${lockDir}`);
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

/**
 * An installed n8n and the Node.js that runs it.
 * @typedef {object} Runtime
 * @property {string} nodeBin
 * @property {string} n8nBin
 * @property {string} version n8n's version
 * @property {string} nodeVersion
 * @property {boolean} [isolatedVm] whether n8n's isolated-vm expression engine loads on that Node (see createInstance)
 * @property {string} [dir]
 */

/**
 * Makes sure n8n@version is installed under cacheDir and returns how to run it.
 * @param {object} [opts]
 * @param {string} [opts.version='2.41.1']
 * @param {string} [opts.cacheDir] default: $N8N_RUNTIME_CACHE_DIR, else <repo>/.cache/n8n
 * @param {number} [opts.nodeMajor] Node.js major to run n8n with; default: the machine's Node if it
 *   satisfies n8n's `engines.node`, else 24 (downloaded from the npm registry). Asking for another
 *   major than the installed one re-does the install in place for it (sqlite3 is built per Node ABI).
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<Runtime>}
 */
async function ensureN8n({ version = DEFAULT_VERSION, cacheDir = DEFAULT_CACHE_DIR, nodeMajor, log = defaultLog } = {}) {
	const dir = path.join(path.resolve(cacheDir), version);
	const markerFile = path.join(dir, 'ready.json');
	const reusable = () => {
		const ready = readJson(markerFile);
		const ok =
			ready &&
			fs.existsSync(ready.nodeBin) &&
			fs.existsSync(ready.n8nBin) &&
			(nodeMajor === undefined || Number(ready.nodeVersion.split('.')[0]) === nodeMajor);
		return ok ? ready : undefined;
	};
	const ready = reusable();
	if (ready) return ready;

	fs.mkdirSync(dir, { recursive: true });
	return withLock(`${dir}.lock`, log, async () => reusable() || install({ version, dir, nodeMajor, log, markerFile }));
}

async function install({ version, dir, nodeMajor, log, markerFile }) {
	const started = Date.now();
	const logFile = path.join(dir, 'install.log');
	const n8nDir = path.join(dir, 'n8n');
	let phase = `reading n8n@${version} from the npm registry`;
	const heartbeat = setInterval(() => {
		const last = lastLogLine(logFile);
		log(`${phase}… ${formatDuration(Date.now() - started)} elapsed${last ? ` | ${last}` : ''}`);
	}, HEARTBEAT_MS);
	heartbeat.unref();
	const step = (name) => {
		phase = name;
		log(`${name} (${formatDuration(Date.now() - started)} elapsed)`);
	};
	log(`installing n8n@${version} into ${dir}; this takes minutes the first time (log: ${logFile})`);

	try {
		const engines = npmView(`n8n@${version}`, 'engines');
		if (!engines) throw new Error(`n8n@${version} is not on the npm registry`);
		const wanted = engines.node || '*';
		const ownMajor = Number(process.versions.node.split('.')[0]);
		const major = nodeMajor ?? (satisfies(process.versions.node, wanted) ? ownMajor : FALLBACK_NODE_MAJOR);

		// 1. The Node.js that runs n8n.
		let nodeBin = process.execPath;
		if (major !== ownMajor) {
			const pkg = `node-${process.platform}-${process.arch}`;
			step(`installing Node.js ${major} (${pkg}@${major})`);
			const nodePrefix = path.join(dir, 'node');
			fs.mkdirSync(nodePrefix, { recursive: true });
			fs.writeFileSync(path.join(nodePrefix, 'package.json'), '{"private": true}\n');
			await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `${pkg}@${major}`], {
				cwd: nodePrefix,
				env: process.env,
				logFile,
			});
			nodeBin = path.join(nodePrefix, 'node_modules', pkg, 'bin', 'node');
			if (!fs.existsSync(nodeBin)) throw new Error(`${pkg}@${major} installed but has no ${nodeBin}`);
		}
		const nodeVersion = execFileSync(nodeBin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
		if (!satisfies(nodeVersion, wanted)) log(`warning: n8n@${version} wants node ${wanted}, running it with ${nodeVersion}`);

		// 2. n8n itself, without install scripts: they would build native modules n8n does not need
		//    here (isolated-vm fails on Node 20) and try to download prebuilt binaries.
		step(`installing n8n@${version} with npm (2,000+ packages)`);
		fs.mkdirSync(n8nDir, { recursive: true });
		// A package.json of its own stops npm from climbing up to the repo's package.json/.npmrc.
		// n8n 1.x (n8n-nodes-base) takes xlsx from cdn.sheetjs.com, outside the npm registry: use the
		// registry's last xlsx instead (only the spreadsheet nodes use it). 2.x has no xlsx dependency.
		fs.writeFileSync(path.join(n8nDir, 'package.json'), `${JSON.stringify({ private: true, overrides: { xlsx: '0.18.5' } }, null, 2)}\n`);
		// --loglevel=http logs each fetch, so the heartbeat's "last log line" shows npm moving.
		await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=http', `n8n@${version}`], {
			cwd: n8nDir,
			env: process.env,
			logFile,
		});
		const n8nPkgDir = path.join(n8nDir, 'node_modules', 'n8n');
		const n8nPkg = readJson(path.join(n8nPkgDir, 'package.json'));
		if (!n8nPkg) throw new Error(`npm finished but ${n8nPkgDir}/package.json is missing`);
		const n8nBin = path.join(n8nPkgDir, typeof n8nPkg.bin === 'string' ? n8nPkg.bin : n8nPkg.bin.n8n);

		// 3. sqlite3 from source, against the headers of the Node.js that will load it. npm itself must
		//    run on that Node too (node-gyp builds for process.version), hence its folder first on PATH.
		//    Skipped when an earlier, interrupted install already built it for this Node.
		const loads = (mod) =>
			run(nodeBin, ['-e', `require(${JSON.stringify(mod)})`], { cwd: n8nDir, env: process.env, logFile }).then(
				() => true,
				() => false,
			);
		if (!(await loads('sqlite3'))) {
			step(`building sqlite3 for Node.js ${nodeVersion}`);
			requireTools(['python3', 'make', 'g++']);
			const nodeHome = path.dirname(path.dirname(nodeBin)); // <home>/bin/node, headers in <home>/include/node
			if (!fs.existsSync(path.join(nodeHome, 'include', 'node', 'node.h'))) {
				throw new Error(`no Node.js headers in ${nodeHome}/include/node: node-gyp would try to download them (impossible here)`);
			}
			const buildEnv = {
				...process.env,
				PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}`,
				npm_config_nodedir: nodeHome,
				npm_config_ignore_scripts: 'false',
				JOBS: 'max',
			};
			await run('npm', ['rebuild', 'sqlite3'], { cwd: n8nDir, env: buildEnv, logFile });
			if (!(await loads('sqlite3'))) throw new Error(`sqlite3 was built but does not load on Node.js ${nodeVersion}`);
		}

		// 4. Proof that the CLI starts at all, then the marker.
		step('checking `n8n --version`');
		await run(nodeBin, [n8nBin, '--version'], { cwd: n8nDir, env: process.env, logFile });
		// n8n >= 1.123.x evaluates expressions in isolated-vm by default, which ships prebuilt binaries
		// for Node 22/24 only (6.x) or 24+ (7.x): on Node 20 the instance must use the legacy engine.
		const isolatedVm = await loads('isolated-vm');
		const result = { nodeBin, n8nBin, version: n8nPkg.version, nodeVersion, isolatedVm, dir };
		fs.writeFileSync(
			markerFile,
			`${JSON.stringify({ ...result, installedAt: new Date().toISOString(), installSeconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
		);
		log(`n8n@${n8nPkg.version} ready on Node.js ${nodeVersion} after ${formatDuration(Date.now() - started)}`);
		return result;
	} catch (err) {
		err.message = `installing n8n@${version} failed during "${phase}" (full log: ${logFile}):\n${err.message}`;
		throw err;
	} finally {
		clearInterval(heartbeat);
	}
}

module.exports = { ensureN8n, satisfies, formatDuration, DEFAULT_VERSION, DEFAULT_CACHE_DIR };
