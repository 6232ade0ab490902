/**
 * Workflow and credential templates (test/e2e/templates/**.json). A string that is exactly `$E2E{name}` is
 * replaced by the value of `name` whatever its type (objects included); `$E2E{name}` inside a longer string
 * is replaced by the value as text. n8n's own `{{ }}` expressions are left alone. A template that names a
 * variable not given is an error, so a typo never reaches n8n as a literal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EmulatorInfo } from './emulator';
import { REPO_ROOT } from './install-n8n';

export const TEMPLATES_DIR = join(REPO_ROOT, 'test', 'e2e', 'templates');

const WHOLE = /^\$E2E\{([A-Za-z0-9_]+)\}$/;
const INNER = /\$E2E\{([A-Za-z0-9_]+)\}/g;

export type TemplateVars = Record<string, unknown>;

export function fill<T = unknown>(template: unknown, vars: TemplateVars, where = 'template'): T {
	const value = (name: string): unknown => {
		if (!(name in vars)) throw new Error(`${where} uses $E2E{${name}}, which was not given`);
		return vars[name];
	};
	const walk = (node: unknown): unknown => {
		if (typeof node === 'string') {
			const whole = WHOLE.exec(node);
			if (whole) return value(whole[1]);
			return node.replace(INNER, (_match, name: string) => String(value(name)));
		}
		if (Array.isArray(node)) return node.map(walk);
		if (node && typeof node === 'object') {
			return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
		}
		return node;
	};
	return walk(template) as T;
}

/** Reads `test/e2e/templates/<relativePath>` and fills it. */
export function template<T = Record<string, unknown>>(relativePath: string, vars: TemplateVars): T {
	const text = readFileSync(join(TEMPLATES_DIR, relativePath), 'utf8');
	return fill<T>(JSON.parse(text), vars, relativePath);
}

/** A 16-character workflow/credential id from a readable stem, e.g. `id16('CreatorOAuth')`. */
export function id16(stem: string): string {
	const clean = stem.replace(/[^A-Za-z0-9]/g, '');
	if (clean.length > 16) throw new Error(`id stem too long: ${stem}`);
	return clean.padEnd(16, '0');
}

/** A TikTok OAuth2 API credential on the emulator, connected with `tokens` (default: its startup tokens). */
export function emulatorOAuth2Credential(
	info: EmulatorInfo,
	id: string,
	name: string,
	tokens: Pick<EmulatorInfo, 'accessToken' | 'refreshToken' | 'openId'> = info,
): Record<string, unknown> {
	return template('credentials/oauth2.json', {
		id,
		name,
		clientKey: info.clientKey,
		clientSecret: info.clientSecret,
		baseUrl: info.baseUrl,
		accessToken: tokens.accessToken,
		refreshToken: tokens.refreshToken,
		openId: tokens.openId,
	});
}
