// n8n's community-package scanner (@n8n/scan-community-package) on what we publish, as its CLI runs it on a
// package from the registry: the source files (package.json, nodes/, credentials/) and every .js file and the
// package.json of the packed tarball. The CLI itself downloads the package and exits 0 even when a scan fails,
// so this calls its analyzePackage() on local folders and exits 1 on any finding (errors, and warnings too).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';
import glob from 'fast-glob';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/**
 * The scanner's verdict (it fails on errors only), then its rules once more to count warnings.
 * @param {string} label
 * @param {string} dir
 * @param {string[]} patterns
 * @returns {Promise<boolean>} whether the scan found nothing
 */
async function scan(label, dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const results = await eslint.lintFiles(files);
	const findings = results.reduce((sum, r) => sum + r.errorCount + r.warningCount, 0);
	if (verdict.passed && findings === 0) {
		console.log(`${label}: ${files.length} files, no findings`);
		return true;
	}
	console.error(`${label}: ${verdict.message ?? `${findings} warning(s)`}`);
	console.error(verdict.details ?? (await eslint.loadFormatter('stylish')).format(results));
	return false;
}

const work = mkdtempSync(join(tmpdir(), 'scan-'));
try {
	const source = await scan('source', ROOT, SOURCE_FILE_PATTERNS);
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
	);
	execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
	const tarball = await scan(`tarball (${filename})`, join(work, 'package'), TARBALL_FILE_PATTERNS);
	process.exitCode = source && tarball ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
