/**
 * Jest setup: n8n-core's instance files go to a cache folder with a fixed key, and n8n's logger writes
 * every line (debug level, so the node's own debug lines too) to a file per test file, which the leak
 * checks read (`capturedLogLines`).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const cache = resolve(__dirname, '../../../.cache');
const home = resolve(cache, 'test-n8n-home');
const logFile = resolve(cache, 'test-logs', `n8n-${process.pid}-${Date.now()}.log`);
mkdirSync(home, { recursive: true });
mkdirSync(resolve(cache, 'test-logs'), { recursive: true });
process.env.N8N_USER_FOLDER ??= home;
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key';
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_OUTPUT = 'file';
process.env.N8N_LOG_FILE_LOCATION = logFile;

(globalThis as { __n8nLogFile?: string }).__n8nLogFile = logFile;
