#!/usr/bin/env node
'use strict';

/**
 * The newest n8n 2.x host (tools/n8n-harness/hosts.json) in queue mode on 127.0.0.1: a private
 * Redis, a private Postgres cluster, one main (`n8n start`) and N workers (`n8n worker`), all in one
 * temp folder, everything stopped by process group id and the temp folder removed at the end (also
 * on failure and SIGINT/SIGTERM).
 *
 * As a module (used by test/queue/queue.test.js):
 *   const { ensurePackages, startCluster } = require('./tools/queue-cluster');
 * As a CLI (starts everything, prints the URLs, serves until Ctrl-C):
 *   node tools/queue-cluster [--workers 2] [--concurrency 1] [--no-install]
 * Plain CommonJS, Node built-ins and the n8n harness only.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const harness = require('../n8n-harness');
const { killGroupHard, spawnTracked, stopGroup, sleep } = require('../n8n-harness/process');

/** The newest host: queue mode is tested where users scale out today. */
const HOST_VERSION = harness.newestHost();
/** Shared by main and workers: credentials encrypted by one are read by the others. */
const ENCRYPTION_KEY = 'n8n-nodes-cometapi-sora-queue-mode-key';

/** @param {string} msg */
function progress(msg) {
	process.stderr.write(`[queue-mode] ${msg}\n`);
}

function which(bin) {
	const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : null;
}

/** Postgres server binaries of the newest Debian cluster version, or null. */
function postgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return null;
	const versions = fs
		.readdirSync(base)
		.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/**
 * Installs redis-server and postgresql from Debian's packages when missing (idempotent).
 * apt-get's output goes to stderr, so progress is visible.
 */
function ensurePackages() {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBinDir()) missing.push('postgresql');
	if (missing.length === 0) {
		progress('redis-server and postgresql already installed');
		return;
	}
	if (process.getuid && process.getuid() !== 0) {
		throw new Error(`missing ${missing.join(', ')}: run as root, or: sudo apt-get install -y ${missing.join(' ')}`);
	}
	progress(`installing ${missing.join(', ')} with apt-get (Debian packages)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update'], { stdio: ['ignore', 2, 2], env });
	execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 2, 2], env });
	progress('packages installed');
}

/** @param {string} host @param {number} port */
function tcpOpen(host, port) {
	return new Promise((resolve) => {
		const s = require('node:net').connect({ host, port });
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

/**
 * Starts a detached child (own process group), collecting its output.
 * @param {string} cmd @param {string[]} args @param {object} opts
 */
function startProcess(name, cmd, args, opts) {
	const child = spawnTracked(cmd, args, { cwd: opts.cwd, env: opts.env || process.env });
	let output = '';
	const onData = (chunk) => {
		output += chunk;
		if (output.length > 4_000_000) output = output.slice(-2_000_000);
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	let stopping;
	return {
		name,
		child,
		pid: child.pid,
		log: () => output,
		alive: () => child.exitCode === null && child.signalCode === null,
		stop: () => (stopping = stopping || stopGroup(child, 15_000)),
		/** SIGKILL, as an OOM kill or a lost machine ends it */
		kill: () => (stopping = stopping || killGroupHard(child)),
	};
}

/**
 * @param {() => Promise<boolean>} check @param {number} timeoutMs @param {string} what
 * @param {{ alive: () => boolean, log: () => string }} [proc]
 */
async function waitFor(check, timeoutMs, what, proc) {
	const started = Date.now();
	for (;;) {
		if (await check()) return Date.now() - started;
		if (proc && !proc.alive()) throw new Error(`${what}: process exited\n${proc.log().slice(-4000)}`);
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${proc ? proc.log().slice(-4000) : ''}`);
		await sleep(200);
	}
}

/**
 * @typedef {object} ClusterOptions
 * @property {string} [tarball] `npm pack` output installed in every user folder (or:)
 * @property {string} [packageDir] a built package folder, packed once
 * @property {number} [workers] default 2
 * @property {number} [concurrency] `n8n worker --concurrency`, default 1
 * @property {Array<object>} [credentials] imported before start (importCredentials format)
 * @property {Array<object>} [workflows] imported before start (importWorkflow format)
 * @property {string[]} [publish] workflow ids to publish before `n8n start`
 * @property {{ path: string, method?: string }} [webhook] wait until this webhook is live
 * @property {Record<string,string>} [env] extra env for every n8n process
 */

/** @param {ClusterOptions} options */
async function startCluster(options) {
	const workerCount = options.workers ?? 2;
	const concurrency = options.concurrency ?? 1;
	const pgBin = postgresBinDir();
	if (!pgBin || !which('redis-server')) throw new Error('redis-server / postgresql missing: call ensurePackages() first');

	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
	fs.chmodSync(root, 0o755); // the postgres user must reach its data dir
	/** @type {Array<{ name: string, stop: () => Promise<void> }>} */
	const started = [];
	/** @type {Array<{ cleanup: () => Promise<void> }>} */
	const folders = [];
	let stopped = false;
	async function stop() {
		if (stopped) return;
		stopped = true;
		// n8n processes first (newest first), then Postgres and Redis
		for (const p of started.splice(0).reverse()) {
			await p.stop().catch((e) => progress(`stopping ${p.name}: ${e.message}`));
		}
		for (const f of folders.splice(0)) await f.cleanup().catch(() => undefined);
		if (process.env.N8N_E2E_KEEP === '1') progress(`N8N_E2E_KEEP=1: keeping ${root}`);
		else fs.rmSync(root, { recursive: true, force: true });
		progress('cluster stopped, temp folders removed');
	}

	try {
		// ---- Redis
		const redisPort = await harness.freePort();
		const redisDir = path.join(root, 'redis');
		fs.mkdirSync(redisDir);
		progress(`starting redis-server on 127.0.0.1:${redisPort}`);
		const redis = startProcess('redis', which('redis-server'), [
			'--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir,
			'--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes',
		], { cwd: redisDir });
		started.push(redis);
		await waitFor(() => tcpOpen('127.0.0.1', redisPort), 15_000, 'redis', redis);

		// ---- Postgres (initdb + postgres as the postgres user when running as root)
		const pgPort = await harness.freePort();
		const pgDir = path.join(root, 'pg');
		const pgData = path.join(pgDir, 'data');
		const pgSock = path.join(pgDir, 'sock');
		fs.mkdirSync(pgSock, { recursive: true });
		const asRoot = process.getuid && process.getuid() === 0;
		let uid, gid;
		if (asRoot) {
			uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
			gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
			fs.chownSync(pgDir, uid, gid);
			fs.chownSync(pgSock, uid, gid);
		}
		progress(`initdb ${pgData}`);
		const initdb = spawnSync(path.join(pgBin, 'initdb'), ['-D', pgData, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], {
			cwd: pgDir, encoding: 'utf8', ...(asRoot ? { uid, gid } : {}),
		});
		if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}\n${initdb.stderr}`);
		progress(`starting postgres on 127.0.0.1:${pgPort}`);
		const pgChild = spawnTracked(path.join(pgBin, 'postgres'), [
			'-D', pgData, '-p', String(pgPort), '-k', pgSock,
			'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off', '-c', 'max_connections=100',
		], { cwd: pgDir, env: process.env, uid, gid });
		let pgLog = '';
		pgChild.stdout.setEncoding('utf8').on('data', (c) => (pgLog += c));
		pgChild.stderr.setEncoding('utf8').on('data', (c) => (pgLog += c));
		const pg = {
			name: 'postgres', pid: pgChild.pid, log: () => pgLog,
			alive: () => pgChild.exitCode === null && pgChild.signalCode === null,
			// SIGTERM = postgres "smart" shutdown; SIGINT = fast. stopGroup sends SIGTERM then SIGKILL.
			stop: async () => { try { process.kill(pgChild.pid, 'SIGINT'); } catch {} await stopGroup(pgChild, 10_000); },
		};
		started.push(pg);
		await waitFor(async () => {
			if (!(await tcpOpen('127.0.0.1', pgPort))) return false;
			const r = spawnSync(path.join(pgBin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort)], { encoding: 'utf8' });
			return r.status === 0;
		}, 30_000, 'postgres', pg);

		/** runs SQL through psql (as the postgres user) and returns rows as arrays of strings */
		const sql = (query) => {
			const r = spawnSync(path.join(pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-At', '-F', '\t', '-c', query], {
				encoding: 'utf8',
				maxBuffer: 256 * 1024 * 1024,
			});
			if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
			return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
		};

		// ---- shared n8n environment
		const sharedEnv = {
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
			// 2.x has a `database` binary data manager (n8n/dist/binary-data/database.manager.js),
			// and it is even the default in queue mode: bytes live in Postgres, every process reads them.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_LOG_LEVEL: 'info',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...(options.env || {}),
		};
		const newFolder = async () => {
			const f = await harness.createN8nUserFolder({ version: HOST_VERSION, tarball: options.tarball, packageDir: options.packageDir, env: sharedEnv });
			folders.push(f);
			return f;
		};
		const main = await newFolder();

		progress('import credentials / workflows (runs the Postgres migrations)');
		if (options.credentials && options.credentials.length) await harness.importCredentials(main, options.credentials);
		if (options.workflows && options.workflows.length) await harness.importWorkflow(main, options.workflows);

		progress('starting n8n main (n8n start)');
		const t0 = Date.now();
		const server = await harness.startN8n(main, { activate: options.publish || [], webhook: options.webhook });
		started.push({ name: 'main', stop: server.stop });
		progress(`main ready at ${server.baseUrl} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);

		/** starts `n8n worker` number `index` (1-based) in a fresh user folder */
		const startWorker = async (index) => {
			const folder = await newFolder();
			const healthPort = await harness.freePort();
			progress(`starting worker ${index} (concurrency ${concurrency}, health port ${healthPort}, broker port ${folder.brokerPort})`);
			const command = harness.n8nCommand(HOST_VERSION, ['worker', `--concurrency=${concurrency}`]);
			const w = startProcess(`worker${index}`, command.command, command.args, {
				cwd: folder.root,
				env: {
					...folder.env,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
			});
			started.push(w);
			return { ...w, index, healthPort, folder };
		};
		const workerReady = async (w) => {
			const ms = await waitFor(async () => {
				try {
					const r = await fetch(`http://127.0.0.1:${w.healthPort}/healthz/readiness`, { signal: AbortSignal.timeout(3000) });
					return r.status === 200 && /ready for job processing|n8n worker is now ready/i.test(w.log());
				} catch {
					return false;
				}
			}, 120_000, w.name, w);
			progress(`${w.name} ready (pid ${w.pid}) after ${(ms / 1000).toFixed(1)} s more`);
		};
		const workers = [];
		for (let i = 0; i < workerCount; i++) workers.push(await startWorker(i + 1));
		for (const w of workers) await workerReady(w);

		return {
			root,
			main: { ...server, folder: main },
			workers,
			redis: { port: redisPort, pid: redis.pid },
			postgres: { port: pgPort, pid: pg.pid, bin: pgBin, log: pg.log },
			env: sharedEnv,
			sql,
			/** the executions of one workflow as n8n stored them in Postgres (tools/n8n-harness/executions.js) */
			readExecutions(workflowId) {
				const rows = sql(`select ${harness.EXECUTION_COLUMNS.join(', ')} ${harness.EXECUTIONS_FROM} where e."workflowId" = '${workflowId}' order by e.id`);
				const metadata = sql(`select m."executionId", m.key, m.value from execution_metadata m join execution_entity e on e.id = m."executionId" where e."workflowId" = '${workflowId}'`);
				return harness.toStoredExecutions(HOST_VERSION, rows.map((row) => row.map((v) => (v === '' ? null : v))), metadata);
			},
			/** kills worker number `index` (1-based) if it still runs, then starts a fresh one in its place */
			async replaceWorker(index) {
				const old = workers[index - 1];
				await old.kill();
				workers[index - 1] = await startWorker(index);
				await workerReady(workers[index - 1]);
				return workers[index - 1];
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { HOST_VERSION, ENCRYPTION_KEY, ensurePackages, postgresBinDir, startCluster };

if (require.main === module) {
	const args = process.argv.slice(2);
	const arg = (name, dflt) => {
		const i = args.indexOf(name);
		return i >= 0 ? args[i + 1] : dflt;
	};
	const repo = path.resolve(__dirname, '..', '..');
	(async () => {
		if (!args.includes('--no-install')) ensurePackages();
		if (!fs.existsSync(path.join(repo, 'dist', 'nodes'))) {
			progress('dist/ missing: npm run build');
			execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 2, 2] });
		}
		const cluster = await startCluster({
			packageDir: repo,
			workers: Number(arg('--workers', '2')),
			concurrency: Number(arg('--concurrency', '1')),
		});
		let done = false;
		const shutdown = async (sig) => {
			if (done) return;
			done = true;
			progress(`${sig}: stopping`);
			await cluster.stop();
			process.exit(0);
		};
		process.on('SIGINT', () => void shutdown('SIGINT'));
		process.on('SIGTERM', () => void shutdown('SIGTERM'));
		console.log(JSON.stringify({
			main: cluster.main.baseUrl,
			workers: cluster.workers.map((w) => ({ pid: w.pid, health: `http://127.0.0.1:${w.healthPort}/healthz` })),
			redis: cluster.redis, postgres: { port: cluster.postgres.port, pid: cluster.postgres.pid }, root: cluster.root,
		}));
		progress('running; Ctrl-C stops everything');
	})().catch((e) => {
		console.error(e.stack || e.message);
		process.exit(1);
	});
}
