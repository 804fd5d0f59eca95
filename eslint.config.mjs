import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.test-build/**', '.cache/**'] },
	{
		// typescript-eslint parses package.json as a JSON source file, which the package.json rules expect.
		files: ['**/*.ts', 'package.json'],
		languageOptions: { parser: tseslint.parser },
	},
	{ files: ['**/*.ts', 'package.json'], ...n8nCommunityNodesPlugin.configs.recommended },
);
