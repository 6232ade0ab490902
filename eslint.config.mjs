// Flat config: eslint-plugin-n8n-nodes-base's community (package.json), credentials and nodes rule sets,
// exactly as n8n's community-node tooling applies them, with the few rules n8n itself retired turned off;
// and, over the same files, @n8n/eslint-plugin-community-nodes' recommended rules (the n8n Cloud set) plus
// no-console, as @n8n/scan-community-package and `n8n-node lint` apply them. `npm run scan` runs the
// scanner itself (its own pinned plugin versions, eslint-disable comments ignored).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const retiredRules = {
	// These want the literal ['main'] and reject NodeConnectionTypes.Main (retired in @n8n/node-cli).
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
	'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
	'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
};

const { recommended } = n8nCommunityNodesPlugin.configs;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '.e2e/**'] },
	{
		files: ['package.json', 'credentials/**/*.ts', 'nodes/**/*.ts'],
		plugins: recommended.plugins,
		rules: { ...recommended.rules, 'no-console': 'error' },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.credentials.rules, ...retiredRules },
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.nodes.rules, ...retiredRules },
	},
];
