'use strict';
// Drives a real n8n (installed by runtime.js) that keeps all its state in one user folder:
// CLI commands (import, execute, publish), a long-running server, and its public REST API.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');

// Fixed so that credentials imported in one run can be decrypted by every later process.
const ENCRYPTION_KEY = 'n8n-nodes-agiletelecom-local-test-key';
// The instance owner that start() creates on a fresh user folder (also how a person logs in).
const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Owner-Passw0rd' };
const BROWSER_ID = 'n8n-scripts'; // n8n binds its auth cookie to the `browser-id` header it was issued with
const defaultLog = (msg) => process.stderr.write(`[n8n] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Port 0: any free port. A given port: itself if free (n8n only logs a busy port and keeps running).
/** @returns {Promise<number>} */
function freePort(port = 0) {
	return new Promise((resolve, reject) => {
		const server = net
			.createServer()
			.once('error', (/** @type {NodeJS.ErrnoException} */ err) =>
				reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : err),
			);
		server.listen(port, '127.0.0.1', () => {
			const { port: free } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(free));
		});
	});
}

// Signals a whole process group (n8n and the task runners it spawned); false once it is empty.
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // ESRCH
	}
}

const newId = () => crypto.randomBytes(8).toString('hex'); // 16 chars, like n8n's own ids
const tail = (text, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * `n8n execute --rawOutput` prints log lines around the run's pretty-printed JSON (and, when the run
 * failed, logs that JSON through the logger): try each line starting with `{` against each line
 * that is exactly `}`, widest first.
 */
function parseRunOutput(stdout) {
	const lines = stdout.split('\n');
	const starts = lines.flatMap((l, i) => (l.startsWith('{') ? [i] : []));
	const ends = lines.flatMap((l, i) => (l.trimEnd() === '}' ? [i] : [])).reverse();
	for (const s of starts) {
		for (const e of ends) {
			if (e < s) break;
			try {
				return JSON.parse(lines.slice(s, e + 1).join('\n'));
			} catch {
				// not a complete JSON value: try a shorter span
			}
		}
		if (lines[s].trimEnd().endsWith('}')) {
			try {
				return JSON.parse(lines[s]); // compact one-line JSON
			} catch {
				// not JSON: try the next line that opens an object
			}
		}
	}
	return undefined;
}

/**
 * One run of a workflow, as `n8n execute --rawOutput` prints it and the public API's executions hold it.
 * @typedef {object} Execution
 * @property {{resultData: {runData: Record<string, any[]>, error?: {message: string}}}} data
 * @property {string} [status]
 * @property {string} [id]
 * @property {string} [mode]
 * @property {string} [startedAt]
 * @property {string} [stoppedAt]
 */

/**
 * The `json` of the items a node produced (last run, first output), from the result of
 * executeWorkflow() or from one execution of waitForExecutions(): both carry `data.resultData.runData`.
 * @param {Execution | undefined} runOrExecution
 * @param {string} nodeName
 * @returns {Array<Record<string, any>>}
 */
function nodeItems(runOrExecution, nodeName, outputIndex = 0) {
	const runs = runOrExecution?.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run`);
	return (runs.at(-1).data?.main?.[outputIndex] ?? []).map((item) => item.json);
}

/**
 * @param {object} opts
 * @param {import('./runtime').Runtime} opts.runtime what ensureN8n() returned
 * @param {string} [opts.userFolder] N8N_USER_FOLDER; n8n keeps everything in <userFolder>/.n8n (default: a new temp folder)
 * @param {Record<string, string>} [opts.env] extra environment for every n8n process (overrides the defaults below)
 * @param {(msg: string) => void} [opts.log]
 */
function createInstance({ runtime, userFolder, env: extraEnv = {}, log = defaultLog }) {
	userFolder = path.resolve(userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-user-')));
	fs.mkdirSync(userFolder, { recursive: true });
	const n8nMajor = Number(runtime.version.split('.')[0]);
	const dataDir = path.join(userFolder, '.n8n');
	/**
	 * @type {{child: import('node:child_process').ChildProcess, port: number, url: string, logFile: string,
	 *   output: string, exited: false | Exit, done?: Promise<Exit>, killOnExit?: () => void, routesUp?: number | false}
	 *   | undefined} the running server; output: its last 20 kB
	 */
	let server;
	/** @type {string | undefined} */
	let apiKey;

	// The parent's own N8N_* settings would make runs depend on who runs them: leave them out.
	const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(N8N_|DB_|EXECUTIONS_)/.test(k)));
	const n8nDistDir = path.join(path.dirname(path.dirname(runtime.n8nBin)), 'dist');
	const versionEnv = {
		// 1.x logs deprecation warnings unless these are set to their 2.x defaults (2.x warns about the first).
		...(n8nMajor < 2 && {
			N8N_RUNNERS_ENABLED: 'true',
			DB_SQLITE_POOL_SIZE: '2',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true',
			N8N_GIT_NODE_DISABLE_BARE_REPOS: 'true',
		}),
		// 2.x refreshes an MCP-server list from api.n8n.io at startup: a stack trace where there is no network.
		// Only named when this n8n has that module (an unknown module name is a startup error).
		...(fs.existsSync(path.join(n8nDistDir, 'modules', 'mcp-registry')) && { N8N_DISABLED_MODULES: 'mcp-registry' }),
		// The default "vm" engine needs isolated-vm, which has no binary for Node 20 (n8n 1.123.x there).
		...(runtime.isolatedVm === false && { N8N_EXPRESSION_ENGINE: 'legacy' }),
	};
	async function envFor(extra = {}) {
		return {
			...baseEnv,
			PATH: `${path.dirname(runtime.nodeBin)}${path.delimiter}${process.env.PATH}`, // task runners and npm use the same Node
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			// Nothing may phone home here (there is no network): telemetry, update checks, templates, banners.
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			...versionEnv,
			// Every n8n process starts a task-runner broker; a port of its own lets a server and CLI commands run at once.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			GENERIC_TIMEZONE: 'UTC',
			N8N_LOG_LEVEL: 'info',
			...extraEnv,
			...extra,
		};
	}

	/**
	 * Runs `n8n <args>` to completion. One-shot commands use the "legacy" expression engine unless
	 * `env` says otherwise: with the default "vm" engine (isolated-vm 7 on Node 24), n8n 2.x segfaults
	 * while exiting in about a third of the runs, after its work is done (exit "code" 1, no message).
	 * The server (start()) keeps n8n's default engine.
	 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
	 */
	async function run(args, { timeoutMs = 180_000 } = {}) {
		const env = await envFor({ N8N_EXPRESSION_ENGINE: extraEnv.N8N_EXPRESSION_ENGINE ?? 'legacy' });
		return new Promise((resolve, reject) => {
			// Own process group, so that a timeout also ends the task runner the command may have started.
			const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
				cwd: userFolder,
				env,
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d) => (stdout += d));
			child.stderr.on('data', (d) => (stderr += d));
			let timedOut = false;
			const timer = setTimeout(() => (timedOut = killGroup(child.pid, 'SIGKILL')), timeoutMs);
			child.on('error', reject);
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				killGroup(child.pid, 'SIGKILL'); // anything the command left behind
				if (signal) stderr += `\n(n8n ${timedOut ? `killed after ${timeoutMs / 1000}s` : `ended by ${signal}`})`;
				resolve({ code: timedOut ? 124 : (code ?? 1), stdout, stderr });
			});
		});
	}

	/** Like run(), but a non-zero exit throws, with the end of the output. */
	async function cli(args) {
		const res = await run(args);
		if (res.code !== 0) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`);
		}
		return res;
	}

	// import:* read a file: write the entities to a temp file in the user folder, give each an id.
	async function importEntities(command, entities) {
		const withIds = entities.map((e) => ({ ...e, id: e.id || newId() }));
		const file = path.join(userFolder, `import-${newId()}.json`);
		fs.writeFileSync(file, JSON.stringify(withIds, null, 2));
		try {
			await cli([command, `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
		return withIds.map((e) => e.id);
	}

	/**
	 * Installs a built community-node package (a folder with package.json + dist/) the way n8n's
	 * Settings › Community nodes does (CommunityPackagesService.downloadPackage): `npm pack`, extract into
	 * <userFolder>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional dependencies (so the peer
	 * n8n-workflow, and its native isolated-vm, are never installed), `npm install` what remains, and
	 * record it in nodes/package.json. n8n loads every `n8n-nodes-*` folder there at startup, with node
	 * types named `<package name>.<node name>`. Not done: the installed_packages DB rows n8n writes too,
	 * which only feed the Settings › Community nodes list.
	 * @returns {{name: string, version: string, dir: string}}
	 */
	function installCommunityPackage(packageDir) {
		const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name))
			throw new Error(`n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, not ${pkg.name}`);
		if (!pkg.n8n) throw new Error(`${packageDir}/package.json has no "n8n" section`);
		const nodesDir = path.join(dataDir, 'nodes');
		const target = path.join(nodesDir, 'node_modules', pkg.name);
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
		try {
			// --ignore-scripts: the folder is already built; prepack/prepare would rebuild it.
			const [{ filename }] = JSON.parse(
				execFileSync('npm', ['pack', path.resolve(packageDir), '--json', '--ignore-scripts', '--pack-destination', tmp], {
					encoding: 'utf8',
					stdio: ['ignore', 'pipe', 'pipe'],
				}),
			);
			fs.rmSync(target, { recursive: true, force: true });
			fs.mkdirSync(target, { recursive: true });
			execFileSync('tar', ['-xzf', path.join(tmp, path.basename(filename)), '-C', target, '--strip-components=1']);
		} finally {
			fs.rmSync(tmp, { recursive: true, force: true });
		}
		const packed = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
		// n8n installs only the runtime dependencies of a community package
		const installed = { ...packed };
		for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete installed[key];
		fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(installed, null, 2));
		if (Object.keys(installed.dependencies || {}).length) {
			// n8n always runs it; without dependencies it is a no-op
			execFileSync(
				'npm',
				[
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
				],
				{ cwd: target, stdio: 'pipe' },
			);
		}
		const listFile = path.join(nodesDir, 'package.json');
		const list = fs.existsSync(listFile)
			? JSON.parse(fs.readFileSync(listFile, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		list.dependencies = { ...list.dependencies, [pkg.name]: pkg.version };
		fs.writeFileSync(listFile, JSON.stringify(list, null, 2));
		if (server) log(`installed ${pkg.name}; restart the server (stop()/start()) to load it`);
		return { name: pkg.name, version: pkg.version, dir: target };
	}

	/**
	 * The node types this n8n loads (`n8n export:nodes`), e.g. to check that a community package loaded.
	 * @returns {Promise<Array<{name: string, [key: string]: unknown}>>} node type descriptions: {name: '<package>.<node>', version, polling, ...}
	 */
	async function listNodeTypes() {
		const file = path.join(userFolder, `nodes-${newId()}.json`);
		try {
			await cli(['export:nodes', `--output=${file}`]);
			return JSON.parse(fs.readFileSync(file, 'utf8'));
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** Imports credentials `{id?, name, type, data: {plain values}}`; n8n encrypts them. @returns {Promise<string[]>} ids */
	const importCredentials = (credentials) => importEntities('import:credentials', credentials);

	/** Imports workflow objects and/or JSON files (each one workflow or an array). @returns {Promise<string[]>} ids */
	function importWorkflows(workflowsOrFiles) {
		const list = [].concat(workflowsOrFiles).flatMap((w) => (typeof w === 'string' ? JSON.parse(fs.readFileSync(w, 'utf8')) : w));
		return importEntities('import:workflow', list);
	}

	/**
	 * Runs a workflow that starts with a Manual Trigger, in a process of its own (no server needed).
	 * @param {string} id
	 * @returns {Promise<{code: number, stdout: string, stderr: string, result: Execution | undefined}>}
	 *   result: the run (IRun: {data: {resultData: {runData, error?}}, status, ...}); code 1 when it failed.
	 */
	async function executeWorkflow(id) {
		const res = await run(['execute', `--id=${id}`, '--rawOutput']);
		return { ...res, result: parseRunOutput(res.stdout) };
	}

	/**
	 * Makes a workflow active (its triggers and pollers run while the server runs). With the server up,
	 * through the public API (takes effect at once); otherwise through the CLI (takes effect at start()).
	 */
	async function activateWorkflow(id) {
		if (server) return api('POST', `/api/v1/workflows/${id}/activate`);
		// 2.x "publishes" the current version; 1.x's update:workflow still works on 2.x but is deprecated.
		return cli(n8nMajor >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
	}

	/**
	 * Starts `n8n start` (editor and API on http://127.0.0.1:<port>, a free port unless given), waits
	 * until it is ready, then sets the owner up (see OWNER) and gets an API key for api().
	 * @param {{port?: number, timeoutMs?: number}} [options]
	 * @returns {Promise<{url: string, port: number, pid: number, logFile: string}>}
	 */
	async function start({ port, timeoutMs = 120_000 } = {}) {
		if (server) throw new Error(`n8n is already running on ${server.url}`);
		port = await freePort(port);
		const url = `http://127.0.0.1:${port}`;
		const logFile = path.join(userFolder, 'n8n-server.log');
		// Plain http on loopback: a Secure cookie would keep a person's browser from logging in.
		const env = await envFor({ N8N_PORT: String(port), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_SECURE_COOKIE: 'false' });
		// Own process group, so that stop() can also end the task runners n8n spawns.
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], {
			cwd: userFolder,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const out = fs.createWriteStream(logFile, { flags: 'a' });
		server = { child, port, url, logFile, output: '', exited: false };
		const s = server;
		for (const stream of [child.stdout, child.stderr]) {
			stream.on('data', (d) => {
				out.write(d);
				s.output = (s.output + d).slice(-20_000);
			});
		}
		s.done = new Promise((resolve) => child.on('close', (code, signal) => resolve((s.exited = { code, signal }))));
		s.done.then(() => out.end());
		s.killOnExit = () => killGroup(child.pid, 'SIGKILL');
		process.on('exit', s.killOnExit); // never leave a server behind when the caller dies

		log(`starting n8n ${runtime.version} on ${url} (log: ${logFile})`);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (s.exited) {
				await stop();
				throw new Error(`n8n start exited before it was ready:\n${tail(s.output)}`);
			}
			// /healthz (even /healthz/readiness on 1.x) answers before the REST routes exist. /rest/settings
			// answers once they do; n8n prints "Editor is now accessible" once it has also activated the
			// active workflows (and run each poller once). Wait for both, the log line for 30 s at most.
			if (!s.routesUp)
				s.routesUp = (await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok && Date.now();
			if (s.routesUp && (s.output.includes('Editor is now accessible') || Date.now() - s.routesUp > 30_000)) break;
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`n8n did not become ready on ${url} within ${timeoutMs / 1000}s:\n${tail(s.output)}`);
			}
			await sleep(500);
		}
		// Set the owner up now, so that a person opening the editor can log in as it (and api() is ready).
		await ensureApiKey().catch(async (err) => {
			await stop();
			throw err;
		});
		log(`n8n is ready on ${url}; log in as ${OWNER.email} / ${OWNER.password}`);
		return { url, port, pid: child.pid, logFile };
	}

	/**
	 * SIGTERM (n8n shuts down gracefully), SIGKILL after `graceMs`, then sweeps the process group.
	 * @returns {Promise<Exit | undefined>} how n8n exited
	 */
	async function stop({ graceMs = 20_000 } = {}) {
		if (!server) return undefined;
		const { child, done } = server;
		if (!server.exited && graceMs > 0) {
			child.kill('SIGTERM');
			const timedOut = await Promise.race([done.then(() => false), sleep(graceMs).then(() => true)]);
			if (timedOut) log(`n8n did not stop within ${graceMs / 1000}s: killing it`);
		}
		killGroup(child.pid, 'SIGKILL'); // leftover task runners, or n8n itself after a timeout
		for (let i = 0; i < 50 && killGroup(child.pid, 0); i++) await sleep(100);
		const exit = await done;
		process.removeListener('exit', server.killOnExit);
		server = undefined;
		apiKey = undefined;
		return exit;
	}

	/**
	 * SIGKILL to the whole process group at once (n8n and its task runners): a crash, no shutdown code runs.
	 * start() may be called again afterwards, on the same user folder.
	 * @returns {Promise<Exit | undefined>} how n8n exited
	 */
	async function kill() {
		if (!server) return undefined;
		killGroup(server.child.pid, 'SIGKILL');
		return stop({ graceMs: 0 });
	}

	/**
	 * @param {string} method
	 * @param {string} urlPath
	 * @param {{body?: unknown, headers?: Record<string, string>}} [options]
	 */
	async function request(method, urlPath, { body, headers = {} } = {}) {
		if (!server) throw new Error('n8n is not running: call start() first');
		const res = await fetch(`${server.url}${urlPath}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID, ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			// not JSON (an HTML error page, an empty body): callers read `text`
		}
		return {
			status: res.status,
			json,
			text,
			cookies: res.headers
				.getSetCookie()
				.map((c) => c.split(';')[0])
				.join('; '),
		};
	}

	// The public API wants an API key, which only a logged-in user can create: set the owner up on a
	// fresh instance (or log in as it), then create a key with every scope the owner may have.
	async function ensureApiKey() {
		if (apiKey) return apiKey;
		let auth = await request('POST', '/rest/owner/setup', { body: OWNER });
		if (auth.status !== 200)
			auth = await request('POST', '/rest/login', {
				body: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
			});
		if (auth.status !== 200 || !auth.cookies) throw new Error(`cannot log in as the owner (HTTP ${auth.status}): ${auth.text}`);
		const headers = { cookie: auth.cookies };
		const scopes = await request('GET', '/rest/api-keys/scopes', { headers });
		const body = { label: `scripts-${newId()}`, expiresAt: null, ...(scopes.status === 200 ? { scopes: scopes.json.data } : {}) };
		const created = await request('POST', '/rest/api-keys', { headers, body });
		const key = created.json?.data?.rawApiKey || created.json?.data?.apiKey;
		if (created.status !== 200 || !key) throw new Error(`cannot create an API key (HTTP ${created.status}): ${created.text}`);
		return (apiKey = key);
	}

	/** Calls n8n's public API (`/api/v1/...`) with an API key; throws on HTTP errors. @returns the parsed JSON */
	async function api(method, urlPath, body) {
		const res = await request(method, urlPath, { body, headers: { 'x-n8n-api-key': await ensureApiKey() } });
		if (res.status >= 400) throw new Error(`${method} ${urlPath}: HTTP ${res.status} ${res.text}`);
		return res.json;
	}

	/**
	 * Waits until the running server has stored at least `min` finished executions of a workflow
	 * (e.g. produced by an active polling trigger) and returns them, oldest first, with their data.
	 * @param {string} workflowId
	 * @param {{min?: number, timeoutMs?: number, intervalMs?: number}} [options]
	 * @returns {Promise<Execution[]>}
	 */
	async function waitForExecutions(workflowId, { min = 1, timeoutMs = 90_000, intervalMs = 1000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		let executions = [];
		for (;;) {
			const page = await api('GET', `/api/v1/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=250`);
			executions = page.data.filter((e) => e.stoppedAt).sort((a, b) => Number(a.id) - Number(b.id));
			if (executions.length >= min) return executions;
			if (Date.now() > deadline) {
				throw new Error(
					`only ${executions.length} of ${min} executions of workflow ${workflowId} after ${timeoutMs / 1000}s; server log:\n${tail(server.output)}`,
				);
			}
			await sleep(intervalMs);
		}
	}

	return {
		userFolder,
		owner: OWNER,
		get url() {
			return server?.url;
		},
		get serverOutput() {
			return server?.output ?? '';
		},
		run,
		envFor, // the environment of an n8n process of this instance (e.g. a queue-mode worker)
		installCommunityPackage,
		listNodeTypes,
		importCredentials,
		importWorkflows,
		executeWorkflow,
		activateWorkflow,
		start,
		stop,
		kill,
		api,
		waitForExecutions,
	};
}

/** @typedef {{code: number | null, signal: NodeJS.Signals | null}} Exit */

module.exports = { createInstance, nodeItems, parseRunOutput, freePort, ENCRYPTION_KEY, OWNER };
