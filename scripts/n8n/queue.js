// @ts-check
'use strict';
// n8n's queue mode, for real: PostgreSQL (Debian's 15, in a temporary folder), Redis (Debian's
// redis-server, no persistence), one n8n main (editor, webhooks, triggers) and N `n8n worker`s that run
// the executions, all sharing one user folder (so the same community package and encryption key).
// Everything runs in process groups of its own and stops in stop(), also after a failure.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const { createInstance, freePort } = require('./instance');

const PG_BIN = '/usr/lib/postgresql/15/bin';
const defaultLog = (/** @type {string} */ msg) => process.stderr.write(`[queue] ${msg}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @typedef {object} Worker
 * @property {number} pid
 * @property {string} logFile
 * @property {() => string} output everything the worker printed so far
 * @property {Promise<unknown>} done
 */

/**
 * @typedef {object} QueueMode
 * @property {ReturnType<typeof createInstance>} main the n8n main process (start/stop it, import, activate)
 * @property {Worker[]} workers
 * @property {string} userFolder
 * @property {() => Promise<void>} startMain starts main (migrations on first start), then any worker not yet running
 * @property {(pattern: RegExp) => number[]} countInWorkerLogs how many lines of each worker's log match
 * @property {() => Promise<void>} stop stops workers, main, Redis and PostgreSQL; removes the temporary folders
 */

/** Signals a process group; false once it is gone. */
function killGroup(/** @type {number} */ pid, /** @type {NodeJS.Signals | 0} */ signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Resolves once a TCP server answers `PING` with `+PONG` (Redis) within the deadline. */
async function waitForRedis(/** @type {number} */ port, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const pong = await new Promise((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('error', () => resolve(false));
			socket.once('data', (d) => {
				socket.destroy();
				resolve(String(d).startsWith('+PONG'));
			});
			socket.once('connect', () => socket.write('PING\r\n'));
		});
		if (pong) return;
		if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`);
		await sleep(200);
	}
}

/**
 * Starts PostgreSQL and Redis, then prepares (not starts) n8n main in queue mode with `workers` workers.
 * Import credentials and workflows through `main` before startMain().
 * @param {object} opts
 * @param {import('./runtime').Runtime} opts.runtime what ensureN8n() returned
 * @param {number} [opts.workers] number of `n8n worker` processes (default 2)
 * @param {number} [opts.concurrency] executions each worker runs at once (default 5, n8n's advice)
 * @param {Record<string, string>} [opts.env] extra environment for main and workers
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<QueueMode>}
 */
async function startQueueMode({ runtime, workers: workerCount = 2, concurrency = 5, env = {}, log = defaultLog }) {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	/** @type {Array<() => Promise<void> | void>} */
	const cleanups = [];
	const stopAll = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) {
			try {
				await cleanup();
			} catch (error) {
				log(`cleanup: ${/** @type {Error} */ (error).message}`);
			}
		}
	};
	const onExit = () => {
		// Last resort when the caller dies: nothing async runs any more.
		for (const pid of pids) killGroup(pid, 'SIGKILL');
		try {
			execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', pgData, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
		} catch {
			// already stopped, or never started: nothing left to stop
		}
	};
	/** @type {number[]} */
	const pids = [];
	const pgDir = path.join(root, 'postgres');
	const pgData = path.join(pgDir, 'data');
	process.on('exit', onExit);
	cleanups.push(() => {
		process.removeListener('exit', onExit);
		fs.rmSync(root, { recursive: true, force: true });
	});
	try {
		// PostgreSQL refuses to run as root: its folder belongs to the postgres user, who must reach it.
		fs.chmodSync(root, 0o711);
		fs.mkdirSync(pgDir);
		execFileSync('chown', ['postgres:postgres', pgDir]);
		const pgPort = await freePort();
		execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', pgData, '-U', 'postgres', '--auth=trust'], {
			stdio: 'pipe',
		});
		execFileSync(
			'runuser',
			[
				'-u',
				'postgres',
				'--',
				`${PG_BIN}/pg_ctl`,
				'-D',
				pgData,
				'-l',
				path.join(pgDir, 'postgres.log'),
				'-o',
				`-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1`,
				'-w',
				'start',
			],
			{ stdio: 'pipe' },
		);
		cleanups.push(() => {
			execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', pgData, '-m', 'fast', '-w', 'stop'], { stdio: 'pipe' });
		});
		execFileSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/createdb`, '-h', '127.0.0.1', '-p', String(pgPort), 'n8n'], {
			stdio: 'pipe',
		});
		log(`PostgreSQL on port ${pgPort}`);

		const redisPort = await freePort();
		const redis = spawn(
			'redis-server',
			['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root],
			{ detached: true, stdio: 'ignore' },
		);
		const redisPid = /** @type {number} */ (redis.pid);
		pids.push(redisPid);
		cleanups.push(async () => {
			killGroup(redisPid, 'SIGTERM');
			for (let i = 0; i < 50 && killGroup(redisPid, 0); i++) await sleep(100);
			killGroup(redisPid, 'SIGKILL');
		});
		await waitForRedis(redisPort);
		log(`Redis on port ${redisPort}`);

		const queueEnv = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_DATABASE: 'n8n',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			...env,
		};
		const userFolder = path.join(root, 'user');
		const main = createInstance({ runtime, userFolder, env: queueEnv, log });
		cleanups.push(async () => {
			await main.stop();
		});

		/** @type {Worker[]} */
		const workers = [];
		const startWorker = async (/** @type {number} */ index) => {
			const logFile = path.join(root, `worker-${index + 1}.log`);
			const workerEnv = await main.envFor({ QUEUE_HEALTH_CHECK_PORT: String(await freePort()) });
			const child = spawn(runtime.nodeBin, [runtime.n8nBin, 'worker', `--concurrency=${concurrency}`], {
				cwd: userFolder,
				env: workerEnv,
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			const pid = /** @type {number} */ (child.pid);
			pids.push(pid);
			const out = fs.createWriteStream(logFile);
			let output = '';
			for (const stream of [child.stdout, child.stderr]) {
				stream.on('data', (d) => {
					out.write(d);
					output += d;
				});
			}
			let exited = false;
			const done = new Promise((resolve) =>
				child.on('close', (code) => {
					exited = true;
					resolve(code);
				}),
			);
			done.then(() => out.end());
			const worker = { pid, logFile, output: () => output, done };
			workers[index] = worker;
			cleanups.push(async () => {
				killGroup(pid, 'SIGTERM');
				// An unreferenced timer: a worker that stopped in time leaves nothing that keeps the caller alive.
				await Promise.race([done, new Promise((r) => setTimeout(r, 20_000).unref())]);
				killGroup(pid, 'SIGKILL');
			});
			const deadline = Date.now() + 120_000;
			while (!output.includes('n8n worker is now ready')) {
				if (exited) throw new Error(`n8n worker ${index + 1} exited before it was ready:\n${output.slice(-3000)}`);
				if (Date.now() > deadline) throw new Error(`n8n worker ${index + 1} was not ready within 120 s:\n${output.slice(-3000)}`);
				await sleep(300);
			}
			log(`worker ${index + 1} ready (log: ${logFile})`);
		};

		return {
			main,
			workers,
			userFolder,
			async startMain() {
				await main.start();
				// One at a time: each worker's start is CPU-heavy, and the machine may be small.
				for (let i = 0; i < workerCount; i++) if (!workers[i]) await startWorker(i);
			},
			countInWorkerLogs: (pattern) =>
				workers.map(
					(w) =>
						w
							.output()
							.split('\n')
							.filter((line) => pattern.test(line)).length,
				),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

module.exports = { startQueueMode };
