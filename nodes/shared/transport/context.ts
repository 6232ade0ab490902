import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { TikTokCredentialType } from '../errors/messages';

export type { TikTokCredentialType };

/** Every n8n context the TikTok nodes call TikTok from. */
export type TikTokContext =
	IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

/** The credential type the node's `authentication` parameter selects (n8n omits parameters left at default). */
export function credentialTypeOf(node: INode): TikTokCredentialType {
	return node.parameters.authentication === 'refreshToken'
		? 'tikTokRefreshTokenApi'
		: 'tikTokOAuth2Api';
}

/** The id of the node's credential, or null when none is set. */
export function credentialIdOf(node: INode): string | null {
	return node.credentials?.[credentialTypeOf(node)]?.id ?? null;
}
