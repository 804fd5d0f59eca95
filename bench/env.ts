/** Imported first by every benchmark: n8n-core's instance files go to a cache folder, logs stay quiet. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const home = resolve(__dirname, '../../.cache/bench-n8n-home');
mkdirSync(home, { recursive: true });
process.env.N8N_USER_FOLDER ??= home;
process.env.N8N_ENCRYPTION_KEY ??= 'bench-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'warn';
