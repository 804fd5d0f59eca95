// Lint for the code that never ships (tests, benchmarks, scripts). eslint.config.mjs stays n8n's default
// (required by "n8n": { "strict": true }) and covers nodes/, credentials/ and package.json; the node rules
// there (no process, no console, no timers) do not apply to tooling that runs on a developer's machine.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.test-build/**', '.cache/**', 'coverage/**'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
	},
	{
		files: ['**/*.mjs'],
		languageOptions: { sourceType: 'module' },
	},
);
